import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The few S3 XML answers TrailProof reads: a ListObjectsV2 page and an error.
struct S3ResponseXML {
    /// One page of ListObjectsV2.
    struct ListPage {
        var keys: [String] = []
        var isTruncated = false
        var nextContinuationToken: String?
    }

    /// An S3 error document: `<Error><Code>…</Code><Message>…</Message><Region>…</Region></Error>`.
    struct ErrorDocument {
        var code: String?
        var message: String?
        var region: String?
    }

    static func listPage(_ bytes: [UInt8]) throws -> ListPage {
        let elements = try parse(bytes)
        var page = ListPage()
        for (path, text) in elements {
            switch path {
            case ["ListBucketResult", "Contents", "Key"]: page.keys.append(text)
            case ["ListBucketResult", "IsTruncated"]: page.isTruncated = text == "true"
            case ["ListBucketResult", "NextContinuationToken"]: page.nextContinuationToken = text
            default: continue
            }
        }
        return page
    }

    static func errorDocument(_ bytes: [UInt8]) -> ErrorDocument {
        var document = ErrorDocument()
        for (path, text) in (try? parse(bytes)) ?? [] where path.count == 2 && path[0] == "Error" {
            switch path[1] {
            case "Code": document.code = text
            case "Message": document.message = text
            case "Region": document.region = text
            default: continue
            }
        }
        return document
    }

    /// Every element's path from the root and its text, in document order.
    private static func parse(_ bytes: [UInt8]) throws -> [([String], String)] {
        let collector = Collector()
        let parser = XMLParser(data: Data(bytes))
        parser.delegate = collector
        guard parser.parse() else {
            throw TrailProofError(
                .storageFailure, "S3 answered with XML that cannot be read: \(parser.parserError.map { "\($0)" } ?? "unknown error")")
        }
        return collector.elements
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [([String], String)] = []
        private var path: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            elements.append((path, text))
            path.removeLast()
            text = ""
        }
    }
}
