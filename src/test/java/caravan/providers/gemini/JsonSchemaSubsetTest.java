package caravan.providers.gemini;

import static caravan.providers.gemini.GeminiRecordings.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** JSON Schema as OpenAI clients write it, rewritten into the Schema subset Gemini accepts. */
class JsonSchemaSubsetTest {

    @Test
    void typesBecomeGeminisEnumAndUnknownKeywordsAreDropped() {
        assertThat(JsonSchemaSubset.of(parse("""
                {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,
                 "properties":{"q":{"type":"string","description":"query","minLength":1,"examples":["x"]},
                   "limit":{"type":"integer","minimum":1,"maximum":50,"exclusiveMaximum":51},
                   "tags":{"type":"array","items":{"type":"string"},"uniqueItems":true,"maxItems":5}},
                 "required":["q","missing"],"strict":true}""")))
                .isEqualTo(parse("""
                {"type":"OBJECT","properties":{"q":{"type":"STRING","description":"query","minLength":1},
                   "limit":{"type":"INTEGER","minimum":1,"maximum":50},
                   "tags":{"type":"ARRAY","items":{"type":"STRING"},"maxItems":5}},
                 "required":["q"]}"""));
    }

    @Test
    void nullAsATypeOrAlternativeBecomesNullable() {
        assertThat(JsonSchemaSubset.of(parse("""
                {"type":"object","properties":{
                  "a":{"type":["string","null"]},
                  "b":{"anyOf":[{"type":"number"},{"type":"null"}],"description":"maybe"},
                  "c":{"enum":["x","y",null]}}}""")))
                .isEqualTo(parse("""
                {"type":"OBJECT","properties":{
                  "a":{"type":"STRING","nullable":true},
                  "b":{"description":"maybe","type":"NUMBER","nullable":true},
                  "c":{"enum":["x","y"],"type":"STRING","nullable":true}}}"""));
    }

    @Test
    void choicesBecomeAnyOfAndConstAOneValueEnum() {
        assertThat(JsonSchemaSubset.of(parse("""
                {"type":"object","properties":{
                  "id":{"type":["string","integer"]},
                  "shape":{"oneOf":[{"type":"object","properties":{"r":{"type":"number"}}},{"type":"string"}]},
                  "kind":{"const":"circle"},
                  "level":{"type":"integer","enum":[1,2]}}}""")))
                .isEqualTo(parse("""
                {"type":"OBJECT","properties":{
                  "id":{"anyOf":[{"type":"STRING"},{"type":"INTEGER"}]},
                  "shape":{"anyOf":[{"type":"OBJECT","properties":{"r":{"type":"NUMBER"}}},{"type":"STRING"}]},
                  "kind":{"enum":["circle"],"type":"STRING"},
                  "level":{"type":"INTEGER","enum":["1","2"]}}}"""));
    }

    @Test
    void localReferencesAreInlinedAsPydanticWritesThem() {
        assertThat(JsonSchemaSubset.of(parse("""
                {"$defs":{"Address":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
                 "type":"object","properties":{
                   "home":{"$ref":"#/$defs/Address","description":"where they live"},
                   "work":{"anyOf":[{"$ref":"#/$defs/Address"},{"type":"null"}]}},
                 "required":["home"]}""")))
                .isEqualTo(parse("""
                {"type":"OBJECT","properties":{
                   "home":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"],
                     "description":"where they live"},
                   "work":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"],"nullable":true}},
                 "required":["home"]}"""));
    }

    @Test
    void aRecursiveReferenceStopsAtAPlainObject() {
        assertThat(JsonSchemaSubset.of(parse("""
                {"$defs":{"Node":{"type":"object","properties":{"name":{"type":"string"},
                   "children":{"type":"array","items":{"$ref":"#/$defs/Node"}}}}},
                 "$ref":"#/$defs/Node"}""")))
                .isEqualTo(parse("""
                {"type":"OBJECT","properties":{"name":{"type":"STRING"},
                   "children":{"type":"ARRAY","items":{"type":"OBJECT"}}}}"""));
    }

    @Test
    void allOfPartsAreMerged() {
        assertThat(JsonSchemaSubset.of(parse("""
                {"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},
                          {"properties":{"b":{"type":"boolean"}},"required":["b"]}]}""")))
                .isEqualTo(parse("""
                {"type":"OBJECT","properties":{"a":{"type":"STRING"},"b":{"type":"BOOLEAN"}},"required":["a","b"]}"""));
    }

    @Test
    void onlyFormatsGeminiUnderstandsSurvive() {
        assertThat(JsonSchemaSubset.of(parse("""
                {"type":"object","properties":{
                  "when":{"type":"string","format":"date-time"},
                  "mail":{"type":"string","format":"email"},
                  "ratio":{"type":"number","format":"double"},
                  "uuid":{"type":"string","format":"uuid"}}}""")))
                .isEqualTo(parse("""
                {"type":"OBJECT","properties":{
                  "when":{"type":"STRING","format":"date-time"},
                  "mail":{"type":"STRING"},
                  "ratio":{"type":"NUMBER","format":"double"},
                  "uuid":{"type":"STRING"}}}"""));
    }

    @Test
    void aTupleTakesItsFirstItemSchema() {
        assertThat(JsonSchemaSubset.of(parse("{\"type\":\"array\",\"items\":[{\"type\":\"number\"},{\"type\":\"string\"}]}")))
                .isEqualTo(parse("{\"type\":\"ARRAY\",\"items\":{\"type\":\"NUMBER\"}}"));
    }
}
