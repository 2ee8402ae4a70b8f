import Foundation

/// Dates in reports: always UTC and the POSIX locale, whatever the machine's settings.
enum UTCTime {
    static func string(_ date: Date, format: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = format
        return f.string(from: date)
    }
}
