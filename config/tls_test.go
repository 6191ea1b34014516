package config

import (
	"testing"

	"github.com/kestrel-go/kestrel/internal/testcert"
)

func TestTLSNeedsBothFiles(t *testing.T) {
	pair := testcert.Write(t)
	loadFails(t, "tls_cert_file: "+pair.CertFile+"\n", nil, "tls_cert_file", "without tls_key_file")
	loadFails(t, "tls_key_file: "+pair.KeyFile+"\n", nil, "tls_key_file", "without tls_cert_file")
}

func TestTLSPairMustLoad(t *testing.T) {
	pair, other := testcert.Write(t), testcert.Write(t)
	loadFails(t, "tls_cert_file: "+pair.CertFile+"\ntls_key_file: "+other.KeyFile+"\n", nil,
		"tls_cert_file", "loading the pair", "private key does not match")
	loadFails(t, "tls_cert_file: /nonexistent/cert.pem\ntls_key_file: "+pair.KeyFile+"\n", nil,
		"tls_cert_file", "/nonexistent/cert.pem", "no such file")
	c := mustLoad(t, "tls_cert_file: "+pair.CertFile+"\ntls_key_file: "+pair.KeyFile+"\n", nil)
	if c.TLSCertificate == nil || len(c.TLSCertificate.Certificate) != 1 {
		t.Fatalf("certificate not loaded: %+v", c.TLSCertificate)
	}
}
