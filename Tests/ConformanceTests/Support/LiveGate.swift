import Foundation

/// At most a few harness runs against the reference stacks at once, in the order they asked.
/// Swift Testing runs every suite in parallel; on a 2-core machine two dozen simultaneous runs
/// starve the reference app's Python servers until their own queues time out, and a test would
/// read the fixture's overload as the harness's verdict. Runs wait here instead. Never held
/// while waiting for another permit, so it cannot deadlock.
actor LiveGate {
    static let shared = LiveGate(permits: 3)

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) { free = permits }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { free += 1 } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` holding one permit.
    static func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await shared.acquire()
        do {
            let value = try await body()
            await shared.release()
            return value
        } catch {
            await shared.release()
            throw error
        }
    }
}
