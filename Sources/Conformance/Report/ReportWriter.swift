import Foundation

/// Writes every report file of a run into the reports folder.
public enum ReportWriter {
    public static func write(_ run: RunResult, to directory: String, redactor: Redactor) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files: [(String, String)] = [
            ("junit.xml", JUnitReport.render(run, redactor: redactor)),
            ("results.json", ResultsJSON.render(run, redactor: redactor)),
            ("summary.md", SummaryMarkdown.render(run, redactor: redactor)),
            ("report.html", HTMLReport.render(run, redactor: redactor, reportsDirectory: directory)),
        ]
        var written: [String] = []
        for (name, text) in files {
            let path = (directory as NSString).appendingPathComponent(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
        return written
    }
}
