import ConformanceCrypto
import ConformanceHTTP
import ConformancePostgres

/// The harness's version, in this one place, and the C libraries it runs with: a report of a
/// wrong verdict is only reproducible with the libcurl, libpq and OpenSSL that produced it.
public enum ToolVersion {
    public static let number = "0.9.0"

    /// What `conformance --version` prints: the tool first (scripts read the first line), then
    /// one line per library, each as the library names its own version.
    public static var description: String {
        let curl = CurlLibrary.version + (CurlLibrary.tlsBackend.map { " (\($0))" } ?? "")
        return """
            conformance \(number)
            libcurl \(curl)
            libpq \(PQLibrary.version)
            \(OpenSSLLibrary.version)
            """
    }
}
