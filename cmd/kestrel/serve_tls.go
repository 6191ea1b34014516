package main

import (
	"crypto/tls"
	"net"

	"github.com/kestrel-go/kestrel/config"
)

// secure makes ln speak TLS when tls_cert_file is set. The certificate is
// the current configuration's, so a reload that loads renewed files serves
// them to new connections; turning TLS on or off takes a restart, so a
// reload without the keys keeps the pair the server started with.
func (s *server) secure(cfg *config.Config, ln net.Listener) net.Listener {
	first := cfg.TLSCertificate
	if first == nil {
		return ln
	}
	return tls.NewListener(ln, &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			if current := s.queues.Config().TLSCertificate; current != nil {
				return current, nil
			}
			return first, nil
		},
	})
}
