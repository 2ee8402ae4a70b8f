import Foundation
import TestSupport
@testable import ConformancePostgres

/// The error `body` throws, or nil; lets a test inspect an error's fields, not just its type.
func thrownError<T>(_ body: () async throws -> T) async -> (any Error)? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

/// A table name no other test uses, so tests can run in parallel on the shared cluster.
func uniqueTableName(_ prefix: String = "t") -> String {
    prefix + "_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
}

/// A connection to the shared plain cluster as the test role.
func connectToShared(options: ConnectOptions = .init()) async throws -> (TestCluster, PostgresConnection) {
    let cluster = try await TestCluster.shared()
    let connection = try await PostgresConnection.connect(url: cluster.url(), options: options)
    return (cluster, connection)
}

/// Options for failure tests: few attempts, tiny waits.
func quickRetries(_ attempts: Int) -> ConnectOptions {
    var options = ConnectOptions()
    options.maxAttempts = attempts
    options.baseDelay = 0.02
    options.maxDelay = 0.05
    options.connectTimeout = 3
    return options
}
