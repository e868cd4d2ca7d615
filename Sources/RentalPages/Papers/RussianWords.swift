import RentalModel

/// Russian wording for the papers: dates, sums, periods with correct plurals, conditions, loan states.
public enum RussianWords {
    /// `1 день`, `3 дня`, `5 дней`: the form of a noun after `count`.
    public static func plural(_ count: Int, _ one: String, _ few: String, _ many: String) -> String {
        let n = abs(count) % 100
        let last = n % 10
        let word = (11...14).contains(n) ? many : last == 1 ? one : (2...4).contains(last) ? few : many
        return "\(count) \(word)"
    }

    /// `07.12.2026`.
    public static func date(_ date: LocalDate) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(date.day)).\(two(date.month)).\(date.year)"
    }

    /// `7 декабря 2026 г.`
    public static func longDate(_ date: LocalDate) -> String {
        let months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                      "октября", "ноября", "декабря"]
        return "\(date.day) \(months[max(0, min(11, date.month - 1))]) \(date.year) г."
    }

    /// `14 дней`, `3 месяца`.
    public static func period(_ period: LoanPeriod) -> String {
        switch period.unit {
        case .days: plural(period.count, "день", "дня", "дней")
        case .months: plural(period.count, "месяц", "месяца", "месяцев")
        }
    }

    /// `12 500,00 руб.` from kopecks (thin no-break spaces between thousands).
    public static func money(minor: Int) -> String {
        let rubles = abs(minor) / 100, kopecks = abs(minor) % 100
        var digits = String(rubles)
        var grouped = ""
        while digits.count > 3 {
            grouped = "\u{202F}" + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        return (minor < 0 ? "−" : "") + digits + grouped + "," + (kopecks < 10 ? "0" : "") + "\(kopecks) руб."
    }

    /// The condition of a unit in words.
    public static func condition(_ condition: Condition) -> String {
        switch condition {
        case .new: "новое"
        case .good: "хорошее, без видимых следов использования"
        case .fair: "удовлетворительное, со следами использования"
        case .damaged: "повреждено, требует ремонта"
        }
    }

    /// Where a loan stands, in words.
    public static func state(_ state: LoanState) -> String {
        switch state {
        case .open: "на руках"
        case .returned: "возвращено"
        case .lost: "утеряно"
        }
    }
}
