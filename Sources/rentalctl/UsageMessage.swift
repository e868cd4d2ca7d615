import ArgumentParser

/// ArgumentParser's messages about bad arguments, in the user's language: a value that is not of its kind
/// names the argument and what a right one looks like (``BadValue``), without repeating the value (it may
/// be a phone number); a missing argument or an unknown option is said in Russian under a Russian locale,
/// and so are help screens. Usage lines keep ArgumentParser's wording, for the command that refused.
enum UsageMessage {
    /// The whole text for a parse or validation error: the message, the argument's help and the usage —
    /// of `command` when a parsed command's `run()` refused its arguments (ArgumentParser would show the
    /// root's usage, since only the parser knows which command was meant).
    static func full(for error: Error, command: ParsableCommand.Type? = nil) -> String {
        let message = RentalCtl.message(for: error)
        var text = RentalCtl.fullMessage(for: error)
        if let command, command != RentalCtl.self {
            let usage = RentalCtl.usageString(for: command)
            let path = usage.split(separator: " ").prefix { $0.first.map { !"[<-".contains($0) } ?? false }.joined(separator: " ")
            text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                if line.hasPrefix("Usage: ") { return "Usage: " + usage }
                if line.hasPrefix("  See '") { return "  See '\(path) --help' for more information." }
                return String(line)
            }.joined(separator: "\n")
        }
        let prefix = "Error: " + message
        if text.hasPrefix(prefix) {
            text = tr("Error: ", "Ошибка: ") + translate(message) + text.dropFirst(prefix.count)
        }
        guard Language.current == .russian else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("Help:  ") { return "Справка: " + line.dropFirst("Help:  ".count) }
            if line.hasPrefix("Usage: ") { return "Запуск: " + line.dropFirst("Usage: ".count) }
            if line.hasPrefix("  See '"), line.hasSuffix("' for more information.") {
                return "  Подробнее: " + line.dropFirst("  See '".count).dropLast("' for more information.".count)
            }
            return String(line)
        }.joined(separator: "\n")
    }

    /// A help screen with ArgumentParser's own words in Russian (section headings, `--help` and `--version`,
    /// defaults and value lists); the commands' texts are Russian already. It also runs over the
    /// `--experimental-dump-help` JSON that `generate-manual` reads, so the Russian man pages say
    /// «Показать эту справку» too (only whole phrases inside strings change there).
    static func russianHelp(_ text: String) -> String {
        let headings = ["OVERVIEW: ": "ОПИСАНИЕ: ", "USAGE: ": "ЗАПУСК: ", "OPTIONS:": "ПАРАМЕТРЫ:", "ARGUMENTS:": "АРГУМЕНТЫ:",
                        "SUBCOMMANDS:": "КОМАНДЫ:"]
        let phrases = [("Show help information.", "Показать эту справку."), ("Show the version.", "Показать версию."),
                       ("(default: ", "(по умолчанию: "), ("(values: ", "(значения: ")]
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var line = String(line)
            if let command = line.after("  See '"), command.hasSuffix(" <subcommand>' for detailed help.") {
                return "  Подробнее о команде: " + command.dropLast(" <subcommand>' for detailed help.".count) + " <команда>"
            }
            if let (english, russian) = headings.first(where: { line.hasPrefix($0.key) }) {
                line = russian + line.dropFirst(english.count)
            }
            for (english, russian) in phrases where line.contains(english) {
                line = line.replacing(english, with: russian)
            }
            return line
        }.joined(separator: "\n")
    }

    /// One of ArgumentParser's messages, rewritten; a message it does not recognise (the commands' own
    /// validation errors, already translated) comes back as it is.
    static func translate(_ message: String) -> String {
        if let invalid = invalidValue(message) { return invalid }
        let russian = Language.current == .russian
        if let rest = message.after("Unknown option '") {
            guard russian else { return message }
            if let split = rest.firstRange(of: "'. Did you mean '") {
                return "неизвестный параметр '\(rest[..<split.lowerBound])'. Может быть, '\(rest[split.upperBound...].dropLast(2))'?"
            }
            return "неизвестный параметр '\(rest)"
        }
        guard russian else { return message }
        let patterns: [(String, String)] = [
            ("Missing value for '", "не указано значение '"),
            ("Missing expected argument '", "не хватает аргумента '"),
            ("Missing one of: '", "не хватает одного из: '"),
            ("Unexpected argument '", "лишний аргумент '"),
            ("Invalid option: ", "неверный параметр: "),
            ("Missing required subcommand.", "не указана подкоманда."),
        ]
        for (english, russian) in patterns {
            if let rest = message.after(english) { return russian + rest }
        }
        if let range = message.firstRange(of: " unexpected arguments: '") {
            return "лишние аргументы (\(message[..<range.lowerBound])): '" + message[range.upperBound...]
        }
        if let rest = message.after("The option '"), let end = rest.firstRange(of: "' does not take any value") {
            return "параметр '\(rest[..<end.lowerBound])' не принимает значения"
        }
        return message
    }

    /// `The value 'x' is invalid for '--due-before <date>': …` as `--due-before <date>: …`, without the value.
    static func invalidValue(_ message: String) -> String? {
        guard message.hasPrefix("The value '"), let marker = message.firstRange(of: "' is invalid for '") else { return nil }
        let tail = message[marker.upperBound...]
        guard let close = tail.firstIndex(of: "'") else { return nil }
        let argument = String(tail[..<close])
        let rest = tail[tail.index(after: close)...]
        if rest.hasPrefix(": ") { return argument + ": " + rest.dropFirst(2) }
        if let values = rest.after(". Please provide one of the following:") {
            return argument + tr(": must be one of:", ": допустимые значения:") + values
        }
        if let values = rest.after(". Please provide one of ") {
            let list = String(values.dropLast(values.hasSuffix(".") ? 1 : 0))
            return argument + tr(": must be one of ", ": допустимые значения: ")
                + tr(list, list.replacing("' or '", with: "' или '").replacing("' and '", with: "' и '"))
        }
        return argument + tr(": not a valid value", ": неверное значение")
    }
}

extension StringProtocol {
    /// What follows `prefix`, when the text starts with it.
    func after(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

extension RentalCtl {
    /// ArgumentParser's `main`, with its messages about bad arguments in the user's language (exit 64).
    static func main() async {
        var parsed: ParsableCommand.Type?
        do {
            var command = try await asyncParseAsRoot()
            parsed = type(of: command)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .success, Language.current == .russian {
                // --help, help COMMAND, --version: printed here so that the help is Russian throughout.
                print(UsageMessage.russianHelp(fullMessage(for: error)))
                exit(withError: ExitCode.success)
            }
            if exitCode(for: error) == .validationFailure, !message(for: error).isEmpty {
                Console.writeError(UsageMessage.full(for: error, command: parsed) + "\n")
                exit(withError: ExitCode.validationFailure)
            }
            exit(withError: error)
        }
    }
}
