import Foundation

/// Plain words for the XML parser's error codes.
///
/// FoundationXML's `XMLParser` reports libxml2's `xmlParserErrors` number in an `NSError` whose
/// description is only "NSXMLParserErrorDomain error 76"; the numbers and their meaning are libxml2's
/// (`include/libxml/xmlerror.h`), the advice is ours.
enum XMLErrorMessages {
    /// What is wrong and what to do, for a libxml2 error code; a generic sentence for codes not listed.
    static func describe(code: Int) -> String {
        switch code {
        case 4: return "the file holds no XML element (it is empty or not XML)"
        case 5: return "there is content after the root element's end tag; remove it"
        case 3, 64: return "the file does not start with an XML element; remove what comes before the first '<'"
        case 6, 7, 8: return "a character reference (&#…;) is malformed; write it as &#NNN; or &#xHHH;"
        case 9:
            return "a character XML does not allow (a control character such as &#0; or U+0001-U+001F other than tab, "
                + "line feed and carriage return) is in the text; remove it"
        case 10: return "the file ends inside a character reference"
        case 23: return "'&' must start an entity or character reference; write a literal '&' as &amp;"
        case 24, 25, 26, 27:
            return "an entity reference is not defined; XML defines only &amp; &lt; &gt; &quot; &apos;: "
                + "write other characters as character references (&#160;)"
        case 38: return "'<' inside an attribute value; write it as &lt;"
        case 39: return "an attribute value does not start with a quote"
        case 40: return "an attribute value is not closed with its quote"
        case 41: return "an attribute has no value (write name=\"value\")"
        case 42: return "an attribute appears twice in one element; keep one"
        case 65: return "attributes must be separated by white space"
        case 68: return "a name is expected after '<' (write a literal '<' as &lt;)"
        case 73: return "a tag is not closed with '>'"
        case 74: return "an end tag '</…>' is expected"
        case 75: return "'=' is expected after an attribute name"
        case 76: return "an end tag does not match the start tag it closes"
        case 77: return "the file ends before every element is closed: it is cut short; export it again"
        case 85: return "the file ends before every element is closed: it is cut short; export it again"
        case 111: return "the file is too large or too deep for the XML parser"
        default: return "the XML is not well formed (parser error \(code))"
        }
    }
}
