/// A mistake in a file the user wrote (scenario, target, .env): it names the file, the JSON
/// pointer and what was expected, and leads to exit status 2.
public struct LoadError: Error, Sendable, CustomStringConvertible, Hashable {
    public var file: String
    public var pointer: String
    public var message: String

    public init(file: String, pointer: JSONPointer, message: String) {
        self.file = file
        self.pointer = pointer.description
        self.message = message
    }

    public init(file: String, location: String, message: String) {
        self.file = file
        self.pointer = location
        self.message = message
    }

    public var description: String { "\(file): \(pointer): \(message)" }
}

/// Several load errors at once, so a user fixes every typo in one pass.
public struct LoadErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [LoadError]
    public init(_ errors: [LoadError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
