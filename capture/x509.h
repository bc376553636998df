/*
 * x509.h -- the leaf-certificate parser: one DER X.509 certificate
 * (RFC 5280 4.1) into the certificate fields of a TLS event.
 *
 * Reads only what the detectors need of TBSCertificate (serial, issuer,
 * validity, subject, and the subjectAltName, subjectKeyIdentifier and
 * authorityKeyIdentifier extensions); it does not verify signatures or
 * chains.  Definite-length DER only.  See x509.c for the limits.
 */
#ifndef SH_X509_H
#define SH_X509_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* Output caps, in bytes of text (the arena is shared with the TLS fields;
 * a cut string sets EVF_TRUNCATED). */
#define X509_DN_MAX      1024  /* subject, issuer                         */
#define X509_SAN_MAX     2048  /* dNSName SANs joined with ','            */
#define X509_SERIAL_MAX  64    /* serial octets shown ("0A:1B:.." = 3n-1) */

/* Parse the certificate der[0..len) into ev->u.tls:
 *   fingerprint  SHA-1 of all len bytes, "aa:bb:..." lowercase (computed
 *                first and always, even when the DER is malformed, so an
 *                IOC lookup by fingerprint still works);
 *   fingerprint_sha256  SHA-256 of all len bytes, 64 lowercase hex digits
 *                without ':' (always, like fingerprint);
 *   ja4x         FoxIO's JA4X (FoxIO-LLC/ja4 technical_details/JA4X.md):
 *                issuer attribute-type OIDs, subject attribute-type OIDs,
 *                extension OIDs, each list in certificate order as the hex
 *                of the OID content octets joined by ',', SHA-256, first
 *                12 hex digits ("000000000000" for an empty list), the
 *                three joined by '_'; set only when the return is 0;
 *   serial       INTEGER content octets as "0A:1B:..." uppercase;
 *   subject, issuer  "C=US, O=Example, CN=example.com": RDNs in
 *                certificate order joined by ", ", the attributes of a
 *                multi-valued RDN by " + ", short names for common OIDs
 *                and dotted decimal otherwise; string values copied raw
 *                (BMPString/UniversalString converted to UTF-8, other
 *                types as '#' + hex of the content);
 *   notbefore, notafter  Unix seconds (UTCTime and GeneralizedTime);
 *   san          dNSName entries of subjectAltName, ',' separated;
 *   self_signed  subject DN bytes == issuer DN bytes and, when both
 *                authorityKeyIdentifier.keyIdentifier and
 *                subjectKeyIdentifier are present, they are equal;
 *   has_cert     1.
 * Borrows der for the call only; copies every string into ev's arena.
 * Returns 0 when the certificate is well formed, -1 when it is not: ev
 * keeps what was read before the fault and EVF_MALFORMED is set. */
int x509_parse(const uint8_t *der, size_t len, struct sh_event *ev);

/* Convert a civil UTC date to Unix seconds (proleptic Gregorian, no leap
 * seconds); exported for the tests and for other time formats. */
int64_t x509_civil_to_unix(int64_t year, unsigned mon, unsigned day,
                           unsigned hour, unsigned min, unsigned sec);

#endif /* SH_X509_H */
