#!/bin/bash
# Makes the TEST-ONLY TLS material of the simulated Konnektor's TLS variant
# (main/simulator/ti/material/konnektor-tls/, spec ti-transport §3.2, §4.3), once; the output is committed.
# Node cannot create X.509 certificates, so openssl does. The two CA keys are thrown away after use: run the script
# again to renew everything (certificates last 10 years; the tests read the server fingerprint from the files).
#
# Curves: the TLS server uses P-256 and the client system RSA 2048 — Node's TLS offers no brainpool groups or
# signature algorithms (§3.2), and a Konnektor's exported client certificate (.p12) is typically RSA.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/main/simulator/ti/material/konnektor-tls"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# test material: this passphrase is written in the NOTICE and in konnektor-tls-material.ts on purpose
passphrase='konnektor-tls-test-only'
org='/C=DE/O=eRx Counter Konnektor-Simulation NOT-VALID'
days=3650

p256_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"; }

ca() { # key file, certificate file, CN
  p256_key "$1"
  openssl req -x509 -new -key "$1" -sha256 -days "$days" -subj "$org/CN=$3" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" -out "$2"
}

leaf() { # key file, certificate file, CN, CA certificate, CA key, extensions
  printf '%s\n' "[ext]" "basicConstraints=critical,CA:FALSE" "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" "$6" \
    | tr '|' '\n' > "$work/ext.cnf"
  openssl req -new -key "$1" -subj "$org/CN=$3" -out "$work/leaf.csr"
  openssl x509 -req -in "$work/leaf.csr" -CA "$4" -CAkey "$5" -CAcreateserial -CAserial "$work/serial" \
    -days "$days" -sha256 -extfile "$work/ext.cnf" -extensions ext -out "$2"
}

# the Konnektor's own TLS PKI (stands in for the TI component PKI, which is not in the OS store, §3.2)
ca "$work/ca.prv.pem" "$out/ca.pem" "KONNEKTOR-TLS-CA TEST-ONLY"

# the simulated Konnektor's server certificate: loopback by IP and by name
p256_key "$out/server.prv.pem"
leaf "$out/server.prv.pem" "$out/server.pem" "Konnektor-Simulator TLS TEST-ONLY" "$out/ca.pem" "$work/ca.prv.pem" \
  "keyUsage=critical,digitalSignature|extendedKeyUsage=serverAuth|subjectAltName=IP:127.0.0.1,DNS:localhost"

# the client system's certificate as the Konnektor admin would export it (§3.2 option 3): PEM pair and PKCS#12
rsa_key "$out/client-cs1.prv.pem"
leaf "$out/client-cs1.prv.pem" "$out/client-cs1.pem" "Clientsystem CS1 TEST-ONLY" "$out/ca.pem" "$work/ca.prv.pem" \
  "keyUsage=critical,digitalSignature,keyEncipherment|extendedKeyUsage=clientAuth"
openssl pkcs12 -export -in "$out/client-cs1.pem" -inkey "$out/client-cs1.prv.pem" -name "Clientsystem CS1 TEST-ONLY" \
  -passout "pass:$passphrase" -out "$out/client-cs1.p12"

# a foreign CA and a client certificate from it: the Konnektor must refuse that one
ca "$work/foreign-ca.prv.pem" "$out/foreign-ca.pem" "FOREIGN-TLS-CA TEST-ONLY"
rsa_key "$out/foreign-client.prv.pem"
leaf "$out/foreign-client.prv.pem" "$out/foreign-client.pem" "Fremdes Clientsystem TEST-ONLY" "$out/foreign-ca.pem" \
  "$work/foreign-ca.prv.pem" "keyUsage=critical,digitalSignature,keyEncipherment|extendedKeyUsage=clientAuth"

openssl x509 -in "$out/server.pem" -noout -fingerprint -sha256
echo "made in $out"
