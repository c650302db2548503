#!/bin/bash
# Makes the simulated TI's RSA-only SMC-B (main/simulator/ti/material/smcb-rsa/), once; the output is committed.
# A card generation without ECC key signs the IDP challenge with RSASSA-PSS (spec ti-transport §3.4, §3.5: the
# client reads C.AUT with Crypt=ECC first, RSA only for such a card). gematik's vendored test cards have no RSA-only
# pharmacy SMC-B with a PKCS#8 key, so this script makes one: a throwaway CA "SMCB-RSA-CA TEST-ONLY" (its key is
# not kept) and one RSA-2048 C.HCI.AUT certificate in the layout of the ECC cards (card-material.ts: one folder per
# card, `<ICCSN>-….crt` DER and `….prv.pem` PKCS#8; Admission 1.3.36.8.3.3 with professionOID and Telematik-ID).
# Run it again to renew the card and its CA together. Both start a year back (GNU date; `openssl ca`, since
# `openssl x509` of OpenSSL 3.0 cannot set notBefore), so a simulator clock set into the past still finds the card
# valid; the card then lasts 5 years, the CA 10.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/main/simulator/ti/material/smcb-rsa"
iccsn=80276001011699902399
telematik_id=3-SMC-B-Testkarte-RSA-99902399
card="$out/$iccsn/$iccsn-C_SMCB_AUT_R2048_X509"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out/$iccsn"

rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1"; }

start=$(date -u -d '1 year ago' +%Y%m%d000000Z)
end_of() { date -u -d "1 year ago + $1 years" +%Y%m%d000000Z; }

# a minimal `openssl ca` setup in the scratch folder: only for -startdate
touch "$work/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = sim
[sim]
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
copy_extensions = none
[any]
countryName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
serialNumber = optional
surname = optional
givenName = optional
commonName = supplied
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF
openssl rand -hex 16 > "$work/serial"
issue() { # csr, signing key, extension file, extension section, end, output (PEM), extra options
  openssl ca -batch -notext -config "$work/ca.cnf" -in "$1" -keyfile "$2" -extfile "$3" -extensions "$4" \
    -startdate "$start" -enddate "$5" -preserveDN -out "$6" "${@:7}"
}

rsa_key "$work/ca.prv.pem"
openssl req -new -key "$work/ca.prv.pem" -out "$work/ca.csr" \
  -subj "/C=DE/O=eRx Counter TI-Simulation NOT-VALID/OU=Institution des Gesundheitswesens-CA der Telematikinfrastruktur/CN=SMCB-RSA-CA TEST-ONLY"
issue "$work/ca.csr" "$work/ca.prv.pem" "$work/ca.cnf" ca_ext "$(end_of 10)" "$out/SMCB-RSA-CA-TEST-ONLY.pem" -selfsign

# C.HCI.AUT as on a pharmacy SMC-B: Admission with professionItem "Öffentliche Apotheke", professionOID
# oid_oeffentliche_apotheke 1.2.276.0.76.4.54 and registrationNumber = Telematik-ID (spec ti-transport §2.8)
cat > "$work/card.cnf" <<CNF
[ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
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
registration = PRINTABLESTRING:$telematik_id
[items]
item = FORMAT:UTF8,UTF8:Öffentliche Apotheke
[oids]
oid = OID:1.2.276.0.76.4.54
CNF

rsa_key "$card.prv.pem"
openssl req -new -key "$card.prv.pem" -out "$work/card.csr" \
  -subj "/C=DE/L=Teststadt/O=eRx Counter TI-Simulation NOT-VALID/serialNumber=16.$iccsn/SN=Sander/GN=Renate/CN=Apotheke Renate Sander RSA TEST-ONLY"
issue "$work/card.csr" "$work/ca.prv.pem" "$work/card.cnf" ext "$(end_of 5)" "$work/card.pem" -cert "$out/SMCB-RSA-CA-TEST-ONLY.pem"
openssl x509 -in "$work/card.pem" -outform DER -out "$card.crt"
echo "made in $out"
