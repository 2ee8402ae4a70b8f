import Foundation

/// What a success criterion demands and how the pack checks it, in plain words: the reports
/// show it beside each verdict, so a judge need not have the spec open. It comes from the pack's
/// `pack.json`, never from the harness's code: another pack brings its own criteria.
public struct CriterionInfo: Sendable, Hashable {
    public var demands: String
    public var checkedBy: String?
    /// What the criterion counts for on a judge's leaderboard (`conformance judge`): isolation
    /// and authentication weigh more than a feature. 1 unless the pack says otherwise.
    public var weight: Int = 1
}

public enum PackLoader {
    public static let fileName = "pack.json"

    /// The criteria described by the `pack.json` of every folder given, and of the folder of
    /// every file given; a folder without one contributes nothing (reports then show titles).
    public static func criteria(paths: [String]) throws -> [String: CriterionInfo] {
        var out: [String: CriterionInfo] = [:]
        var seen = Set<String>()
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            let folder = isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
            let file = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(fileName)
            guard seen.insert(file).inserted, fm.fileExists(atPath: file) else { continue }
            for (id, info) in try load(file: file) where out[id] == nil { out[id] = info }
        }
        return out
    }

    public static func load(file: String) throws -> [String: CriterionInfo] {
        let root = JSONNode(value: try UserFile.parse(file), file: file)
        _ = try root.object(allowing: ["$schema", "name", "criteria"], context: "a criteria pack")
        if let name = root.optional("name") { _ = try name.nonEmptyString() }
        var out: [String: CriterionInfo] = [:]
        for (id, node) in try root.required("criteria", "an object of criteria by id, e.g. {\"SC-001\": {...}}").entries() {
            _ = try node.object(allowing: ["demands", "checkedBy", "weight"], context: "a criterion")
            let demands = try node.required("demands", "what the criterion demands, in plain words").nonEmptyString()
            var info = CriterionInfo(demands: demands, checkedBy: try node.optional("checkedBy")?.nonEmptyString())
            if let w = node.optional("weight") { info.weight = try w.int(min: 0, max: 10) }
            out[id] = info
        }
        return out
    }
}
