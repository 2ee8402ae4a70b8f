/* libcurl alone, as fast as its multi interface goes: the yardstick between wrk and the harness.
 *
 * scripts/bench compiles this and runs it next to `conformance bench-http`: the same
 * connections, one thread, one curl multi handle, each finished easy handle added again at
 * once with its options untouched — the least a libcurl-based engine can do per request, with
 * no caller waiting for the answer. What the harness spends above this figure is its own
 * (handing each answer to a Swift task and the next request back); what this spends above
 * wrk is libcurl's.
 *
 *   curl-multi URL CONNECTIONS SECONDS
 * prints the line bench-http prints: requests=N errors=N seconds=S rps=R
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static size_t discard(char *data, size_t size, size_t count, void *user) {
    (void)data; (void)user;
    return size * count;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s URL CONNECTIONS SECONDS\n", argv[0]);
        return 2;
    }
    long connections = strtol(argv[2], NULL, 10);
    double seconds = strtod(argv[3], NULL);
    if (connections < 1 || connections > 1024 || !(seconds > 0)) {
        fprintf(stderr, "%s: CONNECTIONS takes 1 to 1024, SECONDS more than 0\n", argv[0]);
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) return 1;
    CURLM *multi = curl_multi_init();
    if (!multi) return 1;
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, connections);
    for (long i = 0; i < connections; i++) {
        CURL *easy = curl_easy_init();
        if (!easy) return 1;
        curl_easy_setopt(easy, CURLOPT_URL, argv[1]);
        curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, discard);
        curl_multi_add_handle(multi, easy);
    }
    long requests = 0, errors = 0;
    double start = now(), elapsed = 0;
    while (elapsed < seconds) {
        int running = 0, queued = 0;
        curl_multi_perform(multi, &running);
        CURLMsg *message;
        while ((message = curl_multi_info_read(multi, &queued))) {
            if (message->msg != CURLMSG_DONE) continue;
            CURL *easy = message->easy_handle;
            long status = 0;
            if (message->data.result == CURLE_OK) {
                requests++;
                curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
                if (status >= 400) errors++;
            } else {
                errors++;
            }
            curl_multi_remove_handle(multi, easy);
            curl_multi_add_handle(multi, easy);
        }
        curl_multi_poll(multi, NULL, 0, 1000, NULL);
        elapsed = now() - start;
    }
    printf("requests=%ld errors=%ld seconds=%.3f rps=%.1f\n", requests, errors, elapsed, requests / elapsed);
    return 0;
}
