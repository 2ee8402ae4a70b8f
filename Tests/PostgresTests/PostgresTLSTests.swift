import Foundation
import Testing
import TestSupport
@testable import ConformancePostgres

/// A cluster with `ssl = on` and a certificate from a throwaway CA: what the driver reports
/// about TLS, and that verification really verifies.
@Suite(.enabled(if: TestCluster.opensslAvailable, "needs the openssl command"))
struct PostgresTLSTests {
    @Test func verifyFullIsReportedAsVerified() async throws {
        let cluster = try await TestCluster.sharedWithTLS()
        let db = try await PostgresConnection.connect(url: cluster.url(sslmode: "verify-full"))
        defer { db.close() }
        #expect(db.tls.inUse)
        #expect(db.tls.version?.hasPrefix("TLSv1.") == true)
        #expect(db.tls.cipher?.isEmpty == false)
        #expect(db.tls.sslmode == "verify-full")
        #expect(db.tls.certificateVerified)
        #expect(db.tls.rootCertificate == cluster.caCertificate)
        #expect(db.tls.summary.contains("server certificate verified"))
        // The server agrees (the evidence neon.md suggests for SC-012).
        let ssl = try await db.query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(ssl.value(0, "ssl") == .bool(true))
        #expect(ssl.value(0, "version")?.stringValue == db.tls.version)
    }

    @Test func requireEncryptsButDoesNotVerify() async throws {
        let cluster = try await TestCluster.sharedWithTLS()
        let db = try await PostgresConnection.connect(url: cluster.url(sslmode: "require"))
        defer { db.close() }
        #expect(db.tls.inUse)
        #expect(db.tls.sslmode == "require")
        #expect(db.tls.certificateVerified == false)
        #expect(db.tls.summary.contains("NOT verified"))
    }

    @Test func defaultSslmodeIsReportedAsPrefer() async throws {
        let cluster = try await TestCluster.sharedWithTLS()
        let db = try await PostgresConnection.connect(url: cluster.url(query: [:]))
        defer { db.close() }
        #expect(db.tls.inUse)
        #expect(db.tls.sslmode == "prefer")
        #expect(db.tls.certificateVerified == false)
    }

    @Test func channelBindingRequireWorksOverTLS() async throws {
        let cluster = try await TestCluster.sharedWithTLS()
        let db = try await PostgresConnection.connect(url: cluster.url(query: [
            "sslmode": "verify-full", "sslrootcert": cluster.caCertificate ?? "", "channel_binding": "require"]))
        defer { db.close() }
        #expect(db.tls.channelBinding == "require")
    }

    @Test func anUnrelatedCAIsRefusedAtOnce() async throws {
        let cluster = try await TestCluster.sharedWithTLS()
        let folder = NSTemporaryDirectory() + "/conformance-ca-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let otherCA = try TestCluster.makeUnrelatedCA(in: folder)
        let url = cluster.url(query: ["sslmode": "verify-full", "sslrootcert": otherCA])
        let error = await thrownError { try await PostgresConnection.connect(url: url, options: quickRetries(3)) }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .connection)
        #expect(pgError.attempts == 1)
        #expect(pgError.message.contains("certificate verify failed"))
        PostgresConnectionTests.expectNoSecret(pgError, cluster: cluster)
    }

    @Test func aHostNameOutsideTheCertificateIsRefused() async throws {
        let cluster = try await TestCluster.sharedWithTLS()
        // hostaddr connects to 127.0.0.1 while libpq verifies the name "wrong.example", which the
        // certificate's SAN (IP:127.0.0.1, DNS:localhost) does not cover.
        let url = cluster.url(host: "wrong.example", query: [
            "sslmode": "verify-full", "sslrootcert": cluster.caCertificate ?? "", "hostaddr": "127.0.0.1"])
        let error = await thrownError { try await PostgresConnection.connect(url: url, options: quickRetries(3)) }
        let pgError = try #require(error as? PostgresError)
        #expect(pgError.kind == .connection)
        #expect(pgError.attempts == 1)
        #expect(pgError.message.contains("does not match host name"))
    }
}
