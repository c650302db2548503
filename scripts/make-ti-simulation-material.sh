#!/bin/bash
# Makes the simulated TI's own TEST-ONLY keys and certificates (main/simulator/ti/material/), once; the output is
# committed. Node cannot create X.509 certificates, so openssl does (spec ti-transport §4.1, §4.2 option B).
# The throwaway CA key is not kept: run the script again to renew everything (certificates last 10 years).
# The SMC-B cards and the reference VAU key are copied from gematik's vendored test material.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/main/simulator/ti/material"
cards="$root/test/fixtures/gematik/test-cards"
vectors="$root/test/fixtures/gematik/ti-vectors"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

brainpool_key() { openssl ecparam -name brainpoolP256r1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$1"; }

# role = the technical role OID in the Admission extension (1.3.36.8.3.3), as the TI's component certificates
# carry it: oid_erp-vau 1.2.276.0.76.4.258, oid_idpd 1.2.276.0.76.4.260 (spec ti-transport §1.2, §2.2)
admission_config() {
  cat > "$work/$1.cnf" <<CNF
[ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyAgreement
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
1.3.36.8.3.3 = ASN1:SEQUENCE:admission
[admission]
contents = SEQUENCE:admissions
[admissions]
admission = SEQUENCE:admission_entry
[admission_entry]
infos = SEQUENCE:profession_infos
[profession_infos]
info = SEQUENCE:profession_info
[profession_info]
items = SEQUENCE:items
oids = SEQUENCE:oids
[items]
item = UTF8:$2
[oids]
oid = OID:$3
CNF
}

component() { # name, CN, role text, role OID
  brainpool_key "$out/$1.prv.pem"
  admission_config "$1" "$3" "$4"
  openssl req -new -key "$out/$1.prv.pem" -subj "/C=DE/O=eRx Counter TI-Simulation NOT-VALID/CN=$2" -out "$work/$1.csr"
  openssl x509 -req -in "$work/$1.csr" -CA "$out/ti-simulation-ca.pem" -CAkey "$work/ca.prv.pem" -CAcreateserial \
    -days 3650 -sha256 -extfile "$work/$1.cnf" -extensions ext -out "$out/$1.pem"
}

brainpool_key "$work/ca.prv.pem"
openssl req -x509 -new -key "$work/ca.prv.pem" -sha256 -days 3650 \
  -subj "/C=DE/O=eRx Counter TI-Simulation NOT-VALID/CN=TI-SIMULATION-CA TEST-ONLY" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$out/ti-simulation-ca.pem"

# The VAU uses gematik's reference VAU key (spec ti-transport §4.1: K1–K3 replay against the simulator).
cp "$vectors/ref_vau_key.pem" "$work/vau.sec1.pem"
openssl pkcs8 -topk8 -nocrypt -in "$work/vau.sec1.pem" -out "$out/vau.prv.pem"
admission_config vau "E-Rezept vertrauenswürdige Ausführungsumgebung" 1.2.276.0.76.4.258
openssl req -new -key "$out/vau.prv.pem" -subj "/C=DE/O=eRx Counter TI-Simulation NOT-VALID/CN=FD-SIM VAU TEST-ONLY" -out "$work/vau.csr"
openssl x509 -req -in "$work/vau.csr" -CA "$out/ti-simulation-ca.pem" -CAkey "$work/ca.prv.pem" -CAcreateserial \
  -days 3650 -sha256 -extfile "$work/vau.cnf" -extensions ext -out "$out/vau.pem"

component idp-discovery "IDP-SIM Discovery TEST-ONLY" "Zentraler IDP-Dienst" 1.2.276.0.76.4.260
component idp-signature "IDP-SIM Signatur TEST-ONLY" "Zentraler IDP-Dienst" 1.2.276.0.76.4.260
brainpool_key "$out/idp-encryption.prv.pem"

# the pharmacy cards the simulated Konnektor holds, and the CA that issued them (the simulated IDP checks the chain)
# (one folder per card, named as in gematik's card set: the simulated Konnektor reads the ICCSN from the file name)
for iccsn in 80276001011699902301 80276001011699902302; do
  mkdir -p "$out/smcb/$iccsn"
  cp "$cards/smcb/$iccsn/$iccsn-C_SMCB_AUT_E256_X509.crt" "$cards/smcb/$iccsn/$iccsn-C_SMCB_AUT_E256_X509.prv.pem" "$out/smcb/$iccsn/"
done
cp "$cards/ca/GEM.SMCB-CA51-TEST-ONLY.pem" "$out/GEM.SMCB-CA51-TEST-ONLY.pem"
rm -f "$out"/*.srl
echo "made in $out"
