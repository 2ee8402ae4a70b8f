/// A probe that judges what an answer holds (no other user's marker) proves something only when
/// the call itself was accepted: a user's own call refused for authentication, validation or a
/// missing route returns nothing to scan, and would pass blind.
public enum OwnCallOracle {
    /// Why an answer to the caller's own, legitimate call cannot be judged; nil when it can.
    public static func refusal(status: Int) -> String? {
        switch status {
        case 401, 403: return "was refused (\(status)): the credentials did not work"
        case 404, 405: return "found no such route (\(status))"
        case 400, 422: return "was rejected as invalid (\(status)): the probe did not reach the handler"
        case 500...599: return "failed on the server (\(status))"
        case 200..<400: return nil
        default: return "answered \(status)"
        }
    }
}
