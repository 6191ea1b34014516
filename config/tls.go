package config

import (
	"crypto/tls"
	"errors"
	"fmt"
)

// loadTLS loads the certificate and key when TLS is on, so that a missing
// or mismatched file stops the start (or is refused by a reload) with the
// key named, instead of failing each client's handshake.
func (l *loader) loadTLS() error {
	c := l.cfg
	switch {
	case c.TLSCertFile == "" && c.TLSKeyFile == "":
		return nil
	case c.TLSCertFile == "":
		return l.errorAt("tls_key_file", errors.New("set without tls_cert_file; TLS needs both"))
	case c.TLSKeyFile == "":
		return l.errorAt("tls_cert_file", errors.New("set without tls_key_file; TLS needs both"))
	}
	cert, err := tls.LoadX509KeyPair(c.TLSCertFile, c.TLSKeyFile)
	if err != nil {
		return l.errorAt("tls_cert_file", fmt.Errorf("loading the pair %s and %s: %w", c.TLSCertFile, c.TLSKeyFile, err))
	}
	c.TLSCertificate = &cert
	return nil
}
