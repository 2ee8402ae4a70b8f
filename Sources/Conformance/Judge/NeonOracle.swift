import Foundation

/// Whether the database is Neon (SC-012, shared/reference/neon.md), pure: what the connection and
/// the server reported in, the verdict out. Neon is an `ep-….neon.tech` endpoint host, Neon's
/// `neon.*` settings defined and TLS in use, all three; the server's own view of the connection
/// (`pg_stat_ssl`) must agree that it is encrypted, and a branch the target names must be the one.
public enum NeonOracle {
    /// What the server reports about this connection's encryption.
    public struct ServerTLS: Sendable, Equatable {
        public var ssl: Bool
        public var version: String?
        public var cipher: String?

        public init(ssl: Bool, version: String?, cipher: String?) {
            self.ssl = ssl
            self.version = version
            self.cipher = cipher
        }
    }

    public struct Verdict: Sendable, Equatable {
        public var passed: Bool
        /// The one line a judge reads, e.g. "PostgreSQL 15.8 at 127.0.0.1 is not Neon: ...".
        public var message: String
        public var details: String

        /// The verdict as a case concludes it: a failure is always `NotNeon`.
        public var outcome: EvidenceVerdict { passed ? .passed() : .failed(.notNeon, message) }
    }

    /// The endpoint id a Neon host names (`ep-…`, without `-pooler`); nil for a host that is not
    /// an `ep-….neon.tech` endpoint. Compared without case, as DNS does.
    public static func endpoint(host: String) -> String? {
        let lower = host.lowercased()
        let labels = lower.split(separator: ".")
        guard lower.hasSuffix(".neon.tech"), let first = labels.first, first.hasPrefix("ep-") else { return nil }
        return String(first).replacingOccurrences(of: "-pooler", with: "")
    }

    /// All three signs at once: any one alone can be had without Neon.
    public static func isNeon(_ e: NeonProbe.Evidence) -> Bool {
        e.hostIsNeon && e.settings["neon.branch_id"] != nil && e.tlsInUse
    }

    /// The connection in one line: what makes it Neon, or which signs are missing.
    public static func summary(_ e: NeonProbe.Evidence) -> String {
        if isNeon(e) {
            return "Neon: host \(e.host) (endpoint \(e.endpointID ?? "?")), branch \(e.settings["neon.branch_id"] ?? "?"), project \(e.settings["neon.project_id"] ?? "?"), \(e.tlsVersion ?? "TLS") with sslmode \(e.sslmode ?? "?") (certificate \(e.certificateVerified ? "verified" : "NOT verified"))"
        }
        var missing: [String] = []
        if !e.hostIsNeon { missing.append("host \(e.host) is not an ep-….neon.tech endpoint") }
        if e.settings["neon.branch_id"] == nil { missing.append("no neon.* settings") }
        if !e.tlsInUse { missing.append("no TLS") }
        return "\(e.serverVersion) at \(e.host) is not Neon: \(missing.joined(separator: ", "))"
    }

    /// The judgement from the probe's evidence and the server's view of TLS (nil when the server
    /// could not say); `database` only names the database in the details.
    public static func verdict(_ e: NeonProbe.Evidence, server: ServerTLS?, expectedBranch: String? = nil, database: String? = nil) -> Verdict {
        var lines: [String] = []
        lines.append("host: \(e.host)\(database.map { ", database \($0)" } ?? "") — "
                     + (e.hostIsNeon ? "a Neon endpoint (\(e.endpointID ?? "?"))" : "not an ep-….neon.tech endpoint"))
        if e.settings.isEmpty {
            lines.append("neon.* settings: none (current_setting('neon.branch_id', true) is NULL)")
        } else {
            lines.append("neon.* settings: " + e.settings.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", "))
        }
        if e.tlsInUse {
            let verified = e.certificateVerified
                ? "server certificate verified"
                : "server certificate NOT verified (sslmode \(e.sslmode ?? "?") encrypts without checking who the server is; verify-full would)"
            lines.append("TLS (client): \(e.tlsVersion ?? "in use"), sslmode \(e.sslmode ?? "?"), \(verified)")
        } else {
            lines.append("TLS (client): not in use (sslmode \(e.sslmode ?? "?"))")
        }
        if let server {
            lines.append("TLS (server, pg_stat_ssl): " + (server.ssl ? "on, \([server.version, server.cipher].compactMap { $0 }.joined(separator: " "))" : "off"))
        }
        lines.append("server: \(e.serverVersion)")
        var passed = isNeon(e)
        var message = summary(e)
        // The client's view and the server's must agree; a disagreement is not evidence of TLS.
        if passed, let server, !server.ssl {
            passed = false
            message = "\(e.serverVersion) at \(e.host): libpq reports TLS but the server's pg_stat_ssl says this connection is not encrypted"
        }
        if passed, let expectedBranch, e.settings["neon.branch_id"] != expectedBranch {
            passed = false
            message = "Neon branch \(e.settings["neon.branch_id"] ?? "?") is not the expected \(expectedBranch)"
        }
        return Verdict(passed: passed, message: message, details: lines.joined(separator: "\n"))
    }
}
