import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file a person wrote (a scenario, a target, a pack), read and parsed the one way every loader
/// does: strict JSON (`JSONParser.Options.userFile`), and a file that cannot be read said
/// plainly — a symbolic link loop is a loop, a folder is a folder, not "no such file".
enum UserFile {
    static func parse(_ path: String) throws -> JSONValue {
        let bytes = try read(path)
        do { return try JSONParser.parse(bytes, options: .userFile) }
        catch let e as JSONSyntaxError { throw LoadError(file: path, location: "line \(e.line), column \(e.column)", message: e.reason) }
    }

    static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw LoadError(file: path, location: "-", message: "is a folder, expected a JSON file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(file: path, location: "-", message: problem(path) ?? "cannot read the file")
        }
        return Array(data)
    }

    /// Why `path` cannot be opened, in words; nil when nothing is wrong with it as a path.
    static func problem(_ path: String) -> String? {
        var info = stat()
        if stat(path, &info) == 0 {
            if access(path, R_OK) != 0 { return "cannot read the file: permission denied" }
            return nil
        }
        let code = errno
        switch code {
        case ELOOP:
            return "a symbolic link loop: following its links never reaches a file"
        case ENOENT:
            var link = stat()
            if lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK {
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
                return "a symbolic link to \"\(target)\", which does not exist"
            }
            return "no such file or directory"
        case ENOTDIR:
            return "no such file or directory (a part of the path is a file, not a folder)"
        case EACCES:
            return "cannot read the file: permission denied"
        default:
            return "cannot read the file: \(String(cString: strerror(code)))"
        }
    }
}
