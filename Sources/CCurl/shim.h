#ifndef CONFORMANCE_CCURL_SHIM_H
#define CONFORMANCE_CCURL_SHIM_H

// Swift cannot call C variadic functions, and curl_easy_setopt / curl_easy_getinfo /
// curl_multi_setopt are variadic. These wrappers give each argument type its own fixed
// signature so Swift can import them. The type-check macros of typecheck-gcc.h would wrap the
// variadics in statement expressions; they are pointless behind fixed signatures.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

// --- curl_easy_setopt, one wrapper per argument type -------------------------------------

static inline CURLcode ccurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

// Strings are copied by libcurl (except CURLOPT_POSTFIELDS, which we never use: we use
// CURLOPT_COPYPOSTFIELDS), so the pointer only has to live for the duration of the call.
static inline CURLcode ccurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

// Opaque user pointers (CURLOPT_WRITEDATA, CURLOPT_HEADERDATA, CURLOPT_PRIVATE) and
// buffers libcurl writes into (CURLOPT_ERRORBUFFER).
static inline CURLcode ccurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode ccurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

// CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share this signature.
static inline CURLcode ccurl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(handle, option, value);
}

// --- curl_easy_getinfo --------------------------------------------------------------------

static inline CURLcode ccurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *out) {
    return curl_easy_getinfo(handle, info, out);
}

static inline CURLcode ccurl_easy_getinfo_double(CURL *handle, CURLINFO info, double *out) {
    return curl_easy_getinfo(handle, info, out);
}

static inline CURLcode ccurl_easy_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out) {
    return curl_easy_getinfo(handle, info, out);
}

static inline CURLcode ccurl_easy_getinfo_string(CURL *handle, CURLINFO info, char **out) {
    return curl_easy_getinfo(handle, info, out);
}

// --- curl_multi_setopt --------------------------------------------------------------------

static inline CURLMcode ccurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

// --- macros Swift does not import ---------------------------------------------------------

// CURL_GLOBAL_ALL is an or-ed macro of macros; keep its meaning in C.
static inline CURLcode ccurl_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

// CURLVERSION_NOW names another enum constant, which Swift does not import as a macro.
static inline CURLversion ccurl_version_now(void) { return CURLVERSION_NOW; }

// CURLU_DEFAULT_PORT is a shifted macro; give it a typed constant.
static const unsigned int ccurl_url_default_port = CURLU_DEFAULT_PORT;

#endif
