#ifndef CONFORMANCE_COPENSSL_SHIM_H
#define CONFORMANCE_COPENSSL_SHIM_H

// Everything ConformanceCrypto/OpenSSL.swift calls. Swift imports plain functions and simple
// integer macros, but not macros built from other macros or expressions; those get small
// `static inline` wrappers below so the Swift side never re-derives OpenSSL's numbers.

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

// Selections for EVP_PKEY_fromdata: compound macros (ORs of OSSL_KEYMGMT_SELECT_*).
static inline int conformance_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int conformance_evp_pkey_keypair(void) { return EVP_PKEY_KEYPAIR; }

// Key type ids: each is a macro naming another macro (NID_*), which Swift does not follow reliably.
static inline int conformance_evp_pkey_ed25519(void) { return EVP_PKEY_ED25519; }

// Padding modes and the PSS salt-length sentinel, kept next to their header for the same reason.
static inline int conformance_rsa_pkcs1_padding(void) { return RSA_PKCS1_PADDING; }
static inline int conformance_rsa_pkcs1_pss_padding(void) { return RSA_PKCS1_PSS_PADDING; }

// AEAD tag controls for EVP_CIPHER_CTX_ctrl.
static inline int conformance_evp_ctrl_aead_set_tag(void) { return EVP_CTRL_AEAD_SET_TAG; }
static inline int conformance_evp_ctrl_aead_get_tag(void) { return EVP_CTRL_AEAD_GET_TAG; }

#endif
