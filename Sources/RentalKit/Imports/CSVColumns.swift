import Foundation

/// A column of a register: its English name, its Russian header, other headers accepted, and whether it
/// must be present. Headers match ignoring case, `ё`/`е`, spaces and `_`.
struct CSVColumn: Sendable {
    let key: String
    let russian: String
    let aliases: [String]
    let required: Bool

    init(_ key: String, _ russian: String, aliases: [String] = [], required: Bool = false) {
        self.key = key
        self.russian = russian
        self.aliases = aliases
        self.required = required
    }

    func matches(_ header: String) -> Bool {
        let normal = Self.normal(header)
        return ([key, russian] + aliases).contains { Self.normal($0) == normal }
    }

    static func normal(_ header: String) -> String {
        Validate.folded(header).unicodeScalars
            .filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "_" && $0 != "\u{FEFF}" }
            .map(String.init).joined()
    }

    /// The columns of each kind of register, in the order an export writes them (documented in the README).
    static func columns(_ kind: ImportKind) -> [CSVColumn] {
        switch kind {
        case .units: [
            CSVColumn("inventory_number", "Инвентарный номер", aliases: ["Инв. номер", "Инв. №"], required: true),
            CSVColumn("item_type", "Тип", aliases: ["Тип предмета", "Код типа"], required: true),
            CSVColumn("centre", "Центр", aliases: ["home_centre", "center", "Код центра"], required: true),
            CSVColumn("condition", "Состояние"),
            CSVColumn("acquired_on", "Дата приобретения"),
            CSVColumn("cost", "Стоимость", aliases: ["Стоимость, руб."]),
            CSVColumn("funding_source", "Источник финансирования"),
            CSVColumn("last_safety_check", "Дата проверки безопасности", aliases: ["Проверка безопасности"]),
        ]
        case .families: [
            CSVColumn("reference", "Номер семьи", aliases: ["Регистрационный номер"], required: true),
            CSVColumn("surname", "Фамилия", required: true),
            CSVColumn("given_names", "Имя и отчество"),
            CSVColumn("phone", "Телефон", required: true),
            CSVColumn("address", "Адрес"),
            CSVColumn("low_income_until", "Малоимущая до", aliases: ["Справка действует до"], required: true),
            CSVColumn("social_contract", "Социальный контракт"),
            CSVColumn("consent_on", "Согласие на обработку ПД", aliases: ["Дата согласия"]),
            CSVColumn("children", "Дети", aliases: ["Даты рождения детей"]),
            CSVColumn("status", "Статус"),
        ]
        case .centres: [
            CSVColumn("code", "Код", aliases: ["Код центра"], required: true),
            CSVColumn("name", "Название", required: true),
            CSVColumn("region", "Регион"),
            CSVColumn("time_zone", "Часовой пояс", required: true),
            CSVColumn("open_days", "Дни работы"),
        ]
        }
    }
}

/// Values as Russian offices write them, both ways: dates `dd.mm.yyyy` (ISO `yyyy-mm-dd` also read),
/// money in roubles with a decimal comma, Russian words for conditions, statuses and weekdays.
enum CSVValues {
    static func date(_ text: String) -> LocalDate? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
           let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]) {
            return LocalDate(year: year, month: month, day: day)
        }
        return LocalDate(text)
    }

    static func date(_ date: LocalDate?) -> String {
        guard let date else { return "" }
        return String(format: "%02d.%02d.%04d", date.day, date.month, date.year)
    }

    /// Roubles (`12 345,50`, `12345.5`, `800`) to kopecks: digits, spaces (also no-break) between them,
    /// one decimal comma or point followed by one or two digits.
    static func kopecks(_ text: String) -> Int? {
        var roubles = 0, minor = 0, minorDigits = 0, digits = 0
        var afterPoint = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(byte - UInt8(ascii: "0"))
                if afterPoint {
                    minorDigits += 1
                    guard minorDigits <= 2 else { return nil }
                    minor = minor * 10 + digit
                } else {
                    digits += 1
                    guard digits <= 10 else { return nil }
                    roubles = roubles * 10 + digit
                }
            case UInt8(ascii: ","), UInt8(ascii: "."):
                guard !afterPoint, digits > 0 else { return nil }
                afterPoint = true
            case UInt8(ascii: " "), 0xC2, 0xA0, 0xE2, 0x80, 0xAF:  // space, U+00A0, U+202F
                guard !afterPoint else { return nil }
            default:
                return nil
            }
        }
        guard digits > 0, !afterPoint || minorDigits > 0 else { return nil }
        return roubles * 100 + (minorDigits == 1 ? minor * 10 : minor)
    }

    static func roubles(_ kopecks: Int?) -> String {
        guard let kopecks else { return "" }
        return "\(kopecks / 100)," + String(format: "%02d", kopecks % 100)
    }

    static let conditions: [(Condition, String, [String])] = [
        (.new, "новое", ["новый", "новая", "new"]),
        (.good, "хорошее", ["хороший", "хорошая", "good"]),
        (.fair, "удовлетворительное", ["удовлетворительный", "удовлетворительная", "б/у", "fair"]),
        (.damaged, "повреждено", ["повреждён", "поврежден", "неисправно", "damaged"]),
    ]

    static func condition(_ text: String) -> Condition? {
        if let exact = conditions.first(where: { $0.1 == text || $0.2.contains(text) }) { return exact.0 }
        let folded = Validate.folded(text)
        return conditions.first { $0.1 == folded || $0.2.contains(folded) }?.0
    }

    static func condition(_ value: Condition) -> String {
        value.words.russian
    }

    static func status(_ text: String) -> FamilyStatus? {
        switch Validate.folded(text) {
        case "активна", "активная", "active": .active
        case "приостановлена", "приостановленная", "suspended": .suspended
        default: nil
        }
    }

    static func status(_ value: FamilyStatus) -> String { value == .active ? "активна" : "приостановлена" }

    static let weekdays: [(Weekday, String)] = [
        (.monday, "пн"), (.tuesday, "вт"), (.wednesday, "ср"), (.thursday, "чт"), (.friday, "пт"), (.saturday, "сб"),
        (.sunday, "вс"),
    ]

    /// `пн, вт, ср` or `mon, tue` (or whole English names); nil when a part is not a weekday.
    static func weekdays(_ text: String) -> Set<Weekday>? {
        var days: Set<Weekday> = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }) {
            let word = Validate.folded(String(part))
            guard let day = weekdays.first(where: { $0.1 == word || $0.0.rawValue == word || $0.0.rawValue.prefix(3) == word })?.0
            else { return nil }
            days.insert(day)
        }
        return days
    }

    static func weekdays(_ days: Set<Weekday>) -> String {
        weekdays.filter { days.contains($0.0) }.map(\.1).joined(separator: ", ")
    }

    /// Birth dates separated by commas; an expected child's date followed by `(ожидается)`, `(expected)`
    /// or `*`. Nil when a part is not a date.
    static func children(_ text: String) -> [Child]? {
        var children: [Child] = []
        for part in text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" }) {
            let folded = Validate.folded(String(part))
            let expected = folded.contains("ожида") || folded.contains("expected") || folded.contains("*")
            let datePart = folded.replacingOccurrences(of: "(ожидается)", with: "").replacingOccurrences(of: "(expected)", with: "")
                .replacingOccurrences(of: "*", with: "").trimmingCharacters(in: .whitespaces)
            guard let date = date(datePart) else { return nil }
            children.append(Child(birthDate: date, expected: expected))
        }
        return children
    }

    static func children(_ children: [Child]) -> String {
        children.map { date($0.birthDate) + ($0.expected ? " (ожидается)" : "") }.joined(separator: ", ")
    }
}
