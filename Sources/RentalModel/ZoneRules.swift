#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization

/// A time zone's offsets from UTC as the system's tz database gives them (`/usr/share/zoneinfo`, Debian's
/// `tzdata`, updated by apt when a government moves its clocks, as Omsk did in 2016).
///
/// Hand-written on purpose, for two measured reasons: Foundation's `TimeZone` reads its rules from the ICU
/// data built into the toolchain — frozen at build time — and looking up the region's four zones through it
/// costs 3.7 MB of resident memory (a static test program: 11.0 MB without, 14.7 MB with), an eighth of the
/// daemon's idle memory and the difference to its 32 MB target. The format is RFC 8536 (TZif, version 1 to 4);
/// times after the last transition follow the file's POSIX TZ footer, daylight-saving rules included.
public struct ZoneRules: Sendable, Hashable {
    /// The IANA identifier, e.g. `Asia/Omsk`.
    public let identifier: String
    /// Transition instants (seconds since 1970, UTC), ascending.
    private let transitions: [Int64]
    /// The offset from UTC in force from each transition on.
    private let offsets: [Int32]
    /// The offset before the first transition.
    private let initialOffset: Int32
    /// The rule after the last transition.
    private let footer: PosixRule?

    /// UTC.
    public static let utc = ZoneRules(identifier: "UTC", transitions: [], offsets: [], initialOffset: 0, footer: nil)

    /// Where the tz database is.
    public static let databaseDirectory = "/usr/share/zoneinfo"

    private static let loaded = Mutex<[String: ZoneRules]>([:])

    /// The rules for an IANA identifier (`Asia/Omsk`, `Europe/Moscow`, `UTC`), read once from the tz database;
    /// nil when the identifier is malformed or the database has no such zone (or no database is installed).
    public static func named(_ identifier: String) -> ZoneRules? {
        if identifier == "UTC" || identifier == "GMT" { return .utc }
        if let known = loaded.withLock({ $0[identifier] }) { return known }
        guard isWellFormed(identifier),
              let bytes = FileManager.default.contents(atPath: databaseDirectory + "/" + identifier),
              let rules = ZoneRules(identifier: identifier, tzif: [UInt8](bytes)) else { return nil }
        loaded.withLock { $0[identifier] = rules }
        return rules
    }

    /// The zone this process runs in, as the C library picks it: `TZ` (`Asia/Omsk`, `:Asia/Omsk`, the path
    /// of a TZif file, or a POSIX rule such as `MSK-3`), else `/etc/localtime` (named after the zone its link
    /// points at); UTC when neither gives a readable zone (as glibc does for a `TZ` it cannot read).
    public static func local(environment: [String: String] = ProcessInfo.processInfo.environment) -> ZoneRules {
        if let variable = environment["TZ"], !variable.isEmpty {
            let name = variable.hasPrefix(":") ? String(variable.dropFirst()) : variable
            if name.hasPrefix("/") { return file(name, identifier: name) ?? .utc }
            if let zone = named(name) { return zone }
            return PosixRule(name).map { ZoneRules(identifier: name, transitions: [], offsets: [], initialOffset: 0, footer: $0) } ?? .utc
        }
        let link = "/etc/localtime"
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) ?? ""
        let identifier = target.firstRange(of: "zoneinfo/").map { String(target[$0.upperBound...]) } ?? "localtime"
        return file(link, identifier: identifier) ?? .utc
    }

    /// A TZif file read from `path`, named `identifier`.
    private static func file(_ path: String, identifier: String) -> ZoneRules? {
        FileManager.default.contents(atPath: path).flatMap { ZoneRules(identifier: identifier, tzif: [UInt8]($0)) }
    }

    /// The local date and wall-clock time (hour, minute, second) at an instant.
    public func wallClock(at instant: Date) -> (date: LocalDate, hour: Int, minute: Int, second: Int) {
        let utc = Int64(instant.timeIntervalSince1970.rounded(.down))
        let local = utc + Int64(secondsFromGMT(atUTC: utc))
        let day = floorDivide(local, 86_400)
        let second = Int(local - day * 86_400)
        return (LocalDate(serialDay: Int(day)), second / 3600, second / 60 % 60, second % 60)
    }

    /// `Area/Location` names only: letters, digits, `_`, `-`, `+`, at most three levels, no `..`.
    static func isWellFormed(_ identifier: String) -> Bool {
        let parts = identifier.split(separator: "/", omittingEmptySubsequences: false)
        return identifier.utf8.count <= 64 && (1...3).contains(parts.count) && parts.allSatisfy { part in
            !part.isEmpty && part.first != "." && part.utf8.allSatisfy { byte in
                (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            }
        }
    }

    private init(identifier: String, transitions: [Int64], offsets: [Int32], initialOffset: Int32, footer: PosixRule?) {
        self.identifier = identifier
        self.transitions = transitions
        self.offsets = offsets
        self.initialOffset = initialOffset
        self.footer = footer
    }

    /// Parses a TZif file; nil when it is not one.
    init?(identifier: String, tzif bytes: [UInt8]) {
        var reader = TZifReader(bytes)
        guard let first = reader.header(), first.version >= 0 else { return nil }
        var header = first
        var timeSize = 4
        if first.version >= 2 {
            // Skip the version 1 block: the 64-bit block that follows is the whole truth.
            guard reader.skip(first.blockLength(timeSize: 4)), let second = reader.header() else { return nil }
            header = second
            timeSize = 8
        }
        guard header.typeCount > 0,
              let times = reader.integers(count: header.timeCount, size: timeSize),
              let indices = reader.bytes(count: header.timeCount) else { return nil }
        var types: [Int32] = []
        for _ in 0..<header.typeCount {
            guard let offset = reader.integers(count: 1, size: 4)?.first, reader.skip(2) else { return nil }
            types.append(Int32(truncatingIfNeeded: offset))
        }
        guard indices.allSatisfy({ Int($0) < types.count }),
              reader.skip(header.charCount + header.leapCount * (timeSize + 4) + header.isStdCount + header.isUTCCount) else { return nil }
        var footer: PosixRule?
        if first.version >= 2 {
            // Required from version 2 on (empty when no rule follows the last transition).
            guard let text = reader.footer() else { return nil }
            if !text.isEmpty {
                guard let rule = PosixRule(text) else { return nil }
                footer = rule
            }
        }
        self.init(identifier: identifier, transitions: times, offsets: indices.map { types[Int($0)] },
                  initialOffset: types[0], footer: footer)
    }

    /// The offset from UTC, in seconds, at an instant.
    public func secondsFromGMT(for instant: Date) -> Int {
        secondsFromGMT(atUTC: Int64((instant.timeIntervalSince1970).rounded(.down)))
    }

    /// The offset from UTC, in seconds, at `seconds` since 1970 (UTC).
    func secondsFromGMT(atUTC seconds: Int64) -> Int {
        guard let last = transitions.last else { return footer?.offset(atUTC: seconds) ?? Int(initialOffset) }
        if seconds >= last, let footer { return footer.offset(atUTC: seconds) }
        if seconds < transitions[0] { return Int(initialOffset) }
        // The last transition at or before `seconds`.
        var low = 0, high = transitions.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if transitions[middle] <= seconds { low = middle } else { high = middle - 1 }
        }
        return Int(offsets[low])
    }

    /// The first instant of a local day: its midnight, or the first moment after it when the clocks
    /// jumped over midnight that day.
    public func startOfDay(_ date: LocalDate) -> Date {
        let midnight = Int64(date.serialDay) * 86_400
        // The offset in force just before and just after local midnight (they differ only on a day whose
        // clocks change around midnight).
        var instant = midnight - Int64(secondsFromGMT(atUTC: midnight - 86_400))
        for _ in 0..<3 {
            let corrected = midnight - Int64(secondsFromGMT(atUTC: instant))
            if corrected == instant { break }
            instant = corrected
        }
        // Never earlier than the first instant whose local date is `date`.
        while LocalDate(serialDay: Int(floorDivide(instant + Int64(secondsFromGMT(atUTC: instant)), 86_400))) < date { instant += 60 }
        while LocalDate(serialDay: Int(floorDivide(instant - 1 + Int64(secondsFromGMT(atUTC: instant - 1)), 86_400))) >= date { instant -= 60 }
        return Date(timeIntervalSince1970: Double(instant))
    }

    /// The instant of a local wall-clock time; for a time the clocks skipped, the instant after the jump.
    public func instant(of date: LocalDate, hour: Int, minute: Int) -> Date {
        let local = Int64(date.serialDay) * 86_400 + Int64(hour * 3600 + minute * 60)
        var instant = local - Int64(secondsFromGMT(atUTC: local - 86_400))
        for _ in 0..<3 {
            let corrected = local - Int64(secondsFromGMT(atUTC: instant))
            if corrected == instant { break }
            instant = corrected
        }
        return Date(timeIntervalSince1970: Double(instant))
    }

    public static func == (lhs: ZoneRules, rhs: ZoneRules) -> Bool { lhs.identifier == rhs.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }
}

/// `a / b` rounded down.
func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

/// The header fields of a TZif data block.
private struct TZifHeader {
    let version: Int
    let isUTCCount, isStdCount, leapCount, timeCount, typeCount, charCount: Int

    func blockLength(timeSize: Int) -> Int {
        timeCount * timeSize + timeCount + typeCount * 6 + charCount + leapCount * (timeSize + 4) + isStdCount + isUTCCount
    }
}

/// Reads a TZif file front to back; every read checks the length.
private struct TZifReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func header() -> TZifHeader? {
        guard position + 44 <= bytes.count, Array(bytes[position..<position + 4]) == Array("TZif".utf8) else { return nil }
        let versionByte = bytes[position + 4]
        let version = versionByte == 0 ? 1 : Int(versionByte) - Int(UInt8(ascii: "0"))
        guard (1...9).contains(version) else { return nil }
        position += 20
        guard let counts = integers(count: 6, size: 4) else { return nil }
        let values = counts.map { Int($0) }
        guard values.allSatisfy({ (0...1_000_000).contains($0) }) else { return nil }
        return TZifHeader(version: version, isUTCCount: values[0], isStdCount: values[1], leapCount: values[2],
                          timeCount: values[3], typeCount: values[4], charCount: values[5])
    }

    /// `count` big-endian signed integers of `size` bytes (4 or 8).
    mutating func integers(count: Int, size: Int) -> [Int64]? {
        guard position + count * size <= bytes.count else { return nil }
        var values: [Int64] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            var value: UInt64 = 0
            for byte in bytes[position + index * size..<position + (index + 1) * size] { value = value << 8 | UInt64(byte) }
            values.append(size == 4 ? Int64(Int32(truncatingIfNeeded: value)) : Int64(bitPattern: value))
        }
        position += count * size
        return values
    }

    mutating func bytes(count: Int) -> [UInt8]? {
        guard position + count <= bytes.count else { return nil }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, position + count <= bytes.count else { return false }
        position += count
        return true
    }

    /// The POSIX TZ string between the two newlines after the last block.
    mutating func footer() -> String? {
        guard position < bytes.count, bytes[position] == 0x0A,
              let end = bytes[(position + 1)...].firstIndex(of: 0x0A) else { return nil }
        return String(decoding: bytes[(position + 1)..<end], as: UTF8.self)
    }
}

/// A POSIX TZ rule (`<+06>-6`, `CET-1CEST,M3.5.0,M10.5.0/3`), with RFC 8536's extensions (hours from −167
/// to 167 in transition times).
struct PosixRule: Sendable, Hashable {
    /// Standard time's offset from UTC (east positive).
    let standard: Int
    /// Daylight time: its offset, and when it starts and ends in each year.
    let daylight: (offset: Int, start: DateRule, startTime: Int, end: DateRule, endTime: Int)?

    /// A day of the year in a rule.
    enum DateRule: Hashable {
        /// `Jn`: day 1…365, February 29 never counted.
        case julian(Int)
        /// `n`: day 0…365, February 29 counted.
        case zeroBased(Int)
        /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = the last) of month `m`.
        case month(Int, week: Int, day: Int)

        /// The date in `year`.
        func date(in year: Int) -> LocalDate {
            let january = LocalDate(serialDay: 0).adding(months: (year - 1970) * 12)
            let leap = LocalDate.daysIn(month: 2, year: year) == 29
            switch self {
            case .julian(let n): return january.adding(days: n - 1 + (leap && n >= 60 ? 1 : 0))
            case .zeroBased(let n): return january.adding(days: n)
            case .month(let month, let week, let day):
                let first = january.adding(months: month - 1)
                let firstWeekday = Int((Int64(first.serialDay) % 7 + 7 + 4) % 7)  // 1970-01-01 was a Thursday; 0 = Sunday
                var dayOfMonth = 1 + (day - firstWeekday + 7) % 7 + (week - 1) * 7
                while dayOfMonth > LocalDate.daysIn(month: month, year: year) { dayOfMonth -= 7 }
                return first.adding(days: dayOfMonth - 1)
            }
        }
    }

    static func == (lhs: PosixRule, rhs: PosixRule) -> Bool {
        lhs.standard == rhs.standard && lhs.daylight?.offset == rhs.daylight?.offset && lhs.daylight?.start == rhs.daylight?.start
            && lhs.daylight?.startTime == rhs.daylight?.startTime && lhs.daylight?.end == rhs.daylight?.end
            && lhs.daylight?.endTime == rhs.daylight?.endTime
    }

    func hash(into hasher: inout Hasher) { hasher.combine(standard) }

    /// Parses a rule; nil when it is not one.
    init?(_ text: String) {
        var scanner = PosixScanner(Array(text.utf8))
        guard scanner.name(), let standardWest = scanner.offset() else { return nil }
        standard = -standardWest
        if scanner.atEnd {
            daylight = nil
            return
        }
        guard scanner.name() else { return nil }
        var daylightOffset = standard + 3600
        if !scanner.peek(UInt8(ascii: ",")) {
            guard let west = scanner.offset() else { return nil }
            daylightOffset = -west
        }
        guard scanner.take(UInt8(ascii: ",")), let start = scanner.dateRule() else { return nil }
        let startTime = scanner.take(UInt8(ascii: "/")) ? scanner.offset(maxHours: 167) : 7200
        guard let startTime, scanner.take(UInt8(ascii: ",")), let end = scanner.dateRule() else { return nil }
        let endTime = scanner.take(UInt8(ascii: "/")) ? scanner.offset(maxHours: 167) : 7200
        guard let endTime, scanner.atEnd else { return nil }
        daylight = (daylightOffset, start, startTime, end, endTime)
    }

    /// The offset from UTC at `seconds` since 1970 (UTC).
    func offset(atUTC seconds: Int64) -> Int {
        guard let daylight else { return standard }
        let year = LocalDate(serialDay: Int(floorDivide(seconds + Int64(standard), 86_400))).year
        // Transition times are local: the start in standard time, the end in daylight time.
        let start = Int64(daylight.start.date(in: year).serialDay) * 86_400 + Int64(daylight.startTime - standard)
        let end = Int64(daylight.end.date(in: year).serialDay) * 86_400 + Int64(daylight.endTime - daylight.offset)
        let inDaylight = start < end ? (start <= seconds && seconds < end) : !(end <= seconds && seconds < start)
        return inDaylight ? daylight.offset : standard
    }
}

/// Reads the parts of a POSIX TZ string.
private struct PosixScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    func peek(_ byte: UInt8) -> Bool { position < bytes.count && bytes[position] == byte }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        position += 1
        return true
    }

    /// A zone abbreviation: `<+06>` or three or more letters.
    mutating func name() -> Bool {
        if take(UInt8(ascii: "<")) {
            guard let close = bytes[position...].firstIndex(of: UInt8(ascii: ">")) else { return false }
            position = close + 1
            return true
        }
        let start = position
        while position < bytes.count, (0x41...0x5A).contains(bytes[position]) || (0x61...0x7A).contains(bytes[position]) { position += 1 }
        return position - start >= 3
    }

    /// `[+-]hh[:mm[:ss]]` in seconds.
    mutating func offset(maxHours: Int = 24) -> Int? {
        var sign = 1
        if take(UInt8(ascii: "-")) { sign = -1 } else { _ = take(UInt8(ascii: "+")) }
        guard let hours = number(), hours <= maxHours else { return nil }
        var seconds = hours * 3600
        if take(UInt8(ascii: ":")) {
            guard let minutes = number(), minutes < 60 else { return nil }
            seconds += minutes * 60
            if take(UInt8(ascii: ":")) {
                guard let more = number(), more < 60 else { return nil }
                seconds += more
            }
        }
        return sign * seconds
    }

    mutating func dateRule() -> PosixRule.DateRule? {
        if take(UInt8(ascii: "J")) {
            guard let day = number(), (1...365).contains(day) else { return nil }
            return .julian(day)
        }
        if take(UInt8(ascii: "M")) {
            guard let month = number(), (1...12).contains(month), take(UInt8(ascii: ".")),
                  let week = number(), (1...5).contains(week), take(UInt8(ascii: ".")),
                  let day = number(), (0...6).contains(day) else { return nil }
            return .month(month, week: week, day: day)
        }
        guard let day = number(), (0...365).contains(day) else { return nil }
        return .zeroBased(day)
    }

    private mutating func number() -> Int? {
        let start = position
        var value = 0
        while position < bytes.count, (0x30...0x39).contains(bytes[position]), position - start < 4 {
            value = value * 10 + Int(bytes[position] - 0x30)
            position += 1
        }
        return position > start ? value : nil
    }
}
