package persistence

import (
	"errors"
	"os"
	"syscall"
)

// datasync flushes f's data and the metadata needed to read it back
// (fdatasync), skipping timestamps that fsync would also write.
func datasync(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return f.Sync()
	}
	var serr error
	if err := rc.Control(func(fd uintptr) {
		for {
			serr = syscall.Fdatasync(int(fd))
			if serr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if errors.Is(serr, syscall.ENOSYS) || errors.Is(serr, syscall.EINVAL) {
		return f.Sync()
	}
	return serr
}
