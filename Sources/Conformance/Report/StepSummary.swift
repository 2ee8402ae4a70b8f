import Foundation

/// GitHub Actions' job summary: a step appends Markdown to the file `GITHUB_STEP_SUMMARY` names,
/// and the page shows what every step of the job appended, in order. Appending (never
/// truncating) keeps what earlier steps wrote, and `O_APPEND` keeps two writers from
/// overwriting each other's bytes.
public enum StepSummary {
    public static let variable = "GITHUB_STEP_SUMMARY"

    /// Appends `markdown` to `path`, after a blank line when the file already holds something
    /// (a Markdown table that follows a paragraph line without one would not render).
    public static func append(_ markdown: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var text = markdown.hasSuffix("\n") ? markdown : markdown + "\n"
        var info = stat()
        if fstat(fd, &info) == 0, info.st_size > 0 { text = "\n" + text }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: String(cString: strerror(errno)))
            }
            written += n
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "cannot append to \(StepSummary.variable) file \(path): \(reason)" }
    }
}
