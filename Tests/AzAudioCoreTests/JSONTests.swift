import XCTest

@testable import AzAudioCore

final class JSONTests: XCTestCase {
    func testParsesEveryValueKind() throws {
        let v = try JSONParser.parse(
            #" {"a":[1,-2.5e2,true,false,null],"s":"x\"\\\/\b\f\n\r\tA\u00e9\ud83d\ude00","o":{}} "#)
        XCTAssertEqual(v["a"]?[0]?.intValue, 1)
        XCTAssertEqual(v["a"]?[1]?.doubleValue, -250)
        XCTAssertEqual(v["a"]?[2]?.boolValue, true)
        XCTAssertEqual(v["a"]?[4]?.isNull, true)
        XCTAssertEqual(v["s"]?.stringValue, "x\"\\/\u{8}\u{c}\n\r\tAé😀")
        XCTAssertEqual(v["o"]?.objectValue?.count, 0)
    }

    func testRejectsMalformedInput() {
        let bad = [
            "", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"\\x\"", "\"\\ud800\"", "\"a\u{1}\"",
            "[1] x", "{\"a\":1,}", "nul", "\"\\u12G4\"", "\"unterminated",
        ]
        for text in bad { XCTAssertThrowsError(try JSONParser.parse(text), text) }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xFF, 0x22]))  // invalid UTF-8
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try JSONParser.parse(deep))
        let ok = String(repeating: "[", count: 150) + String(repeating: "]", count: 150)
        XCTAssertNoThrow(try JSONParser.parse(ok))
    }

    func testWriterEscapesAndRoundTrips() throws {
        let value = JSONValue.object([
            "t": .string("a\"b\\c\n\u{1}é"), "n": .number(3), "f": .number(0.5),
            "l": .array([.bool(true), .null]),
        ])
        let text = JSONWriter.serialize(value)
        XCTAssertEqual(text, #"{"f":0.5,"l":[true,null],"n":3,"t":"a\"b\\c\n\u0001é"}"#)
        XCTAssertEqual(try JSONParser.parse(text), value)
        XCTAssertEqual(JSONWriter.number(.nan), "null")
    }
}
