/// The few S3 XML answers TrailProof reads: a ListObjectsV2 page and an error.
struct S3ResponseXML {
    /// One page of ListObjectsV2.
    struct ListPage {
        var keys: [String] = []
        /// Per key, in order: its size and LastModified (nil when the server left them out).
        var sizes: [Int64?] = []
        var lastModified: [Timestamp?] = []
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
            case ["ListBucketResult", "Contents", "Key"]:
                page.keys.append(text)
                page.sizes.append(nil)
                page.lastModified.append(nil)
            case ["ListBucketResult", "Contents", "Size"] where !page.sizes.isEmpty: page.sizes[page.sizes.count - 1] = Int64(text)
            case ["ListBucketResult", "Contents", "LastModified"] where !page.lastModified.isEmpty:
                page.lastModified[page.lastModified.count - 1] = Timestamp(iso8601: text)
            case ["ListBucketResult", "IsTruncated"]: page.isTruncated = text == "true"
            case ["ListBucketResult", "NextContinuationToken"]: page.nextContinuationToken = text
            default: continue
            }
        }
        return page
    }

    /// The bucket names of a ListBuckets answer.
    static func bucketNames(_ bytes: [UInt8]) throws -> [String] {
        try parse(bytes).compactMap { path, text in path == ["ListAllMyBucketsResult", "Buckets", "Bucket", "Name"] ? text : nil }
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
    ///
    /// An own reader for the little XML S3 answers with (elements, attributes, text, the five
    /// entities and character references, comments, CDATA, processing instructions; no DTD):
    /// Foundation's XMLParser crashed under the fuzzer on malformed names and instructions, and
    /// the answer of a server, or of whoever sits on the connection, is untrusted input.
    static func parse(_ bytes: [UInt8]) throws -> [([String], String)] {
        func refuse(_ why: String) -> TrailProofError { TrailProofError(.storageFailure, "S3 answered with XML that cannot be read: \(why)") }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw refuse("it is not UTF-8") }
        var elements: [([String], String)] = []
        var path: [String] = []
        var text: [UInt8] = []
        var sawRoot = false
        var index = 0
        func starts(_ literal: String, at position: Int) -> Bool {
            let utf8 = Array(literal.utf8)
            return position + utf8.count <= bytes.count && Array(bytes[position..<(position + utf8.count)]) == utf8
        }
        func skip(past terminator: String) throws {
            let utf8 = Array(terminator.utf8)
            while index + utf8.count <= bytes.count {
                if Array(bytes[index..<(index + utf8.count)]) == utf8 {
                    index += utf8.count
                    return
                }
                index += 1
            }
            throw refuse("\(terminator) is missing")
        }
        func isNameByte(_ byte: UInt8) -> Bool {
            !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
                || byte == UInt8(ascii: "<") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'"))
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte != UInt8(ascii: "<") {
                if path.isEmpty, !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D) { throw refuse("text outside the root element") }
                if byte == UInt8(ascii: "&") {
                    guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ";")), end - index <= 12 else { throw refuse("an unfinished entity") }
                    let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
                    let scalar: Unicode.Scalar?
                    switch name {
                    case "lt": scalar = "<"
                    case "gt": scalar = ">"
                    case "amp": scalar = "&"
                    case "quot": scalar = "\""
                    case "apos": scalar = "'"
                    default:
                        if name.hasPrefix("#x") {
                            scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                        } else if name.hasPrefix("#") {
                            scalar = UInt32(name.dropFirst(1), radix: 10).flatMap(Unicode.Scalar.init)
                        } else {
                            scalar = nil
                        }
                    }
                    guard let scalar, scalar.value != 0 else { throw refuse("unknown entity &\(name);") }
                    text += Array(String(scalar).utf8)
                    index = end + 1
                } else {
                    text.append(byte)
                    index += 1
                }
                continue
            }
            if starts("<!--", at: index) {
                try skip(past: "-->")
            } else if starts("<![CDATA[", at: index) {
                guard !path.isEmpty else { throw refuse("CDATA outside the root element") }
                let start = index + 9
                index = start
                try skip(past: "]]>")
                text += bytes[start..<(index - 3)]
            } else if starts("<?", at: index) {
                try skip(past: "?>")
            } else if starts("<!", at: index) {
                throw refuse("document type declarations are not accepted")
            } else if starts("</", at: index) {
                index += 2
                let start = index
                while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
                let name = String(decoding: bytes[start..<index], as: UTF8.self)
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
                guard index < bytes.count, bytes[index] == UInt8(ascii: ">"), path.last == name else {
                    throw refuse("an end tag </\(name)> does not close the open element")
                }
                index += 1
                elements.append((path, String(decoding: text, as: UTF8.self)))
                path.removeLast()
                text = []
            } else {
                index += 1
                let start = index
                while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
                guard index > start else { throw refuse("an element without a name") }
                let name = String(decoding: bytes[start..<index], as: UTF8.self)
                guard path.isEmpty ? !sawRoot : true else { throw refuse("more than one root element") }
                guard path.count < 32 else { throw refuse("elements nested deeper than 32") }
                // Attributes: name="value" or name='value', skipped.
                var selfClosing = false
                while true {
                    guard index < bytes.count else { throw refuse("an unfinished tag <\(name)") }
                    let current = bytes[index]
                    if current == UInt8(ascii: ">") {
                        index += 1
                        break
                    } else if current == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") {
                        index += 2
                        selfClosing = true
                        break
                    } else if current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") {
                        guard let close = bytes[(index + 1)...].firstIndex(of: current) else { throw refuse("an unfinished attribute value") }
                        index = close + 1
                    } else if current == UInt8(ascii: "<") {
                        throw refuse("'<' inside the tag <\(name)")
                    } else {
                        index += 1
                    }
                }
                sawRoot = true
                path.append(name)
                text = []
                if selfClosing {
                    elements.append((path, ""))
                    path.removeLast()
                }
            }
        }
        guard sawRoot, path.isEmpty else { throw refuse(sawRoot ? "the document ends inside <\(path.last!)>" : "no root element") }
        return elements
    }
}
