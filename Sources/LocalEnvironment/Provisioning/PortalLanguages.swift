import Foundation

/// The 43 portal languages of the portal solution (research/emulator-facts.md §2.1: LCID, language
/// code, name as in the current docs, display name decoded). Seeded into every new environment under
/// fresh random ids, since real environments give the same language different ids.
public enum PortalLanguages {
    /// One row: `adx_lcid` (= `adx_systemlanguage`), `adx_languagecode`, `adx_name`, `adx_displayname`.
    public struct Language: Sendable, Hashable {
        public let lcid: Int
        public let code: String
        public let name: String
        public let displayName: String
    }

    /// All 43, in LCID order.
    public static let all: [Language] = [
        (1026, "bg-BG", "Bulgarian - Bulgaria", "български"), (1027, "ca-ES", "Catalan - Catalan", "català"),
        (1028, "zh-TW", "Chinese - Traditional", "中文(台灣)"), (1029, "cs-CZ", "Czech - Czech Republic", "čeština"),
        (1030, "da-DK", "Danish - Denmark", "dansk"), (1031, "de-DE", "German - Germany", "Deutsch"),
        (1032, "el-GR", "Greek - Greece", "Ελληνικά"), (1033, "en-US", "English", "English"),
        (1035, "fi-FI", "Finnish - Finland", "suomi"), (1036, "fr-FR", "French - France", "français"),
        (1038, "hu-HU", "Hungarian - Hungary", "magyar"), (1040, "it-IT", "Italian - Italy", "italiano"),
        (1041, "ja-JP", "Japanese - Japan", "日本語"), (1042, "ko-KR", "Korean - Korea", "한국어"),
        (1043, "nl-NL", "Dutch - Netherlands", "Nederlands"), (1044, "nb-NO", "Norwegian (Bokmål) - Norway", "norsk bokmål"),
        (1045, "pl-PL", "Polish - Poland", "polski"), (1046, "pt-BR", "Portuguese - Brazil", "português (Brasil)"),
        (1048, "ro-RO", "Romanian - Romania", "română"), (1049, "ru-RU", "Russian - Russia", "русский"),
        (1050, "hr-HR", "Croatian - Croatia", "hrvatski"), (1051, "sk-SK", "Slovak - Slovakia", "slovenčina"),
        (1053, "sv-SE", "Swedish - Sweden", "svenska"), (1054, "th-TH", "Thai - Thailand", "ไทย"),
        (1055, "tr-TR", "Turkish - Türkiye", "Türkçe"), (1057, "id-ID", "Indonesian - Indonesia", "Bahasa Indonesia"),
        (1058, "uk-UA", "Ukrainian - Ukraine", "українська"), (1060, "sl-SI", "Slovenian - Slovenia", "slovenščina"),
        (1061, "et-EE", "Estonian - Estonia", "eesti"), (1062, "lv-LV", "Latvian - Latvia", "latviešu"),
        (1063, "lt-LT", "Lithuanian - Lithuania", "lietuvių"), (1066, "vi-VN", "Vietnamese - Vietnam", "Tie\u{0302}\u{0301}ng Việt"),
        (1069, "eu-ES", "Basque - Basque", "euskara"), (1081, "hi-IN", "Hindi - India", "हिंदी"),
        (1086, "ms-MY", "Malay - Malaysia", "Bahasa Melayu"), (1087, "kk-KZ", "Kazakh - Kazakhstan", "қазақ тілі"),
        (1110, "gl-ES", "Galician - Spain", "galego"), (2052, "zh-CN", "Chinese - China", "中文(中国)"),
        (2070, "pt-PT", "Portuguese - Portugal", "português (Portugal)"), (2074, "sr-Latn-CS", "Serbian (Latin) - Serbia", "srpski"),
        (3076, "zh-HK", "Chinese - Hong Kong SAR", "中文(香港特別行政區)"), (3082, "es-ES", "Spanish (Traditional Sort) - Spain", "español"),
        (3098, "sr-Cyrl-CS", "Serbian (Cyrillic) - Serbia", "српски"),
    ].map { Language(lcid: $0.0, code: $0.1, name: $0.2, displayName: $0.3) }

    /// The language with this LCID, if it is one of the 43.
    public static func language(lcid: Int) -> Language? { all.first { $0.lcid == lcid } }
}
