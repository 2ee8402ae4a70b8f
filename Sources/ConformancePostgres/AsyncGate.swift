/// A first-come, first-served async lock: one holder at a time, waiters suspend instead of
/// blocking a thread.
///
/// A connection's serial queue already keeps libpq calls apart; the gate keeps whole
/// transactions apart, so another caller's query cannot land between BEGIN and COMMIT.
actor AsyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    private func enter() async {
        if busy {
            // Ownership is handed over directly by `leave`, so `busy` stays true.
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
    }

    private func leave() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` while holding the gate.
    nonisolated func exclusive<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        do {
            let value = try await body()
            await leave()
            return value
        } catch {
            await leave()
            throw error
        }
    }
}
