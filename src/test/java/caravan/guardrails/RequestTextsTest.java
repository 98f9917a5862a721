package caravan.guardrails;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import caravan.api.ChatRequest;
import caravan.dialect.anthropic.AnthropicDialect;
import caravan.dialect.openai.OpenAiDialect;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who wrote each text of a request: documents handed in as content parts are third-party text in whatever
 * message they come, as tool results are, and a redaction is written back where each text was read.
 */
class RequestTextsTest {

    private static final String NOTES = "Meeting notes. Contact ana@example.com for the slides.";

    @Test
    void documentsInContentPartsAreThirdPartyText() {
        String file = Base64.getEncoder().encodeToString("Quarterly numbers, as a text file.".getBytes(StandardCharsets.UTF_8));
        ChatRequest request = OpenAiDialect.INSTANCE.decodeRequest(("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"Summarise these"},
                  {"type":"document","source":{"type":"text","media_type":"text/plain","data":"%s"}},
                  {"type":"file","file":{"filename":"q3.txt","file_data":"data:text/plain;base64,%s"}},
                  {"type":"file","file":{"filename":"scan.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}},
                  {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""").formatted(NOTES, file)
                .getBytes(StandardCharsets.UTF_8));

        List<TextSlot> slots = RequestTexts.of(request).slots();

        assertThat(slots).extracting(TextSlot::source, TextSlot::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Source.USER, "Summarise these"),
                org.assertj.core.groups.Tuple.tuple(Source.THIRD_PARTY, NOTES),
                org.assertj.core.groups.Tuple.tuple(Source.THIRD_PARTY, "Quarterly numbers, as a text file."));
    }

    @Test
    void anthropicToolResultBlocksAreThirdPartyText() {
        ChatRequest request = AnthropicDialect.INSTANCE.decodeRequest("""
                {"model":"m","max_tokens":10,"messages":[
                  {"role":"user","content":"Look it up"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"search","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1",
                    "content":[{"type":"text","text":"Result one."},{"type":"text","text":"Result two."}]}]}]}"""
                .getBytes(StandardCharsets.UTF_8));

        assertThat(RequestTexts.of(request).slots()).filteredOn(slot -> slot.text().startsWith("Result"))
                .extracting(TextSlot::source).containsExactly(Source.THIRD_PARTY, Source.THIRD_PARTY);
    }

    @Test
    void aRedactedDocumentIsWrittenBackWhereItWasRead() {
        String file = Base64.getEncoder().encodeToString(NOTES.getBytes(StandardCharsets.UTF_8));
        ChatRequest request = OpenAiDialect.INSTANCE.decodeRequest(("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"document","source":{"type":"text","data":"%s"}},
                  {"type":"file","file":{"file_data":"data:text/markdown;base64,%s"}}]}]}""").formatted(NOTES, file)
                .getBytes(StandardCharsets.UTF_8));
        Texts texts = RequestTexts.of(request);
        for (int i = 0; i < texts.size(); i++) {
            texts.replace(i, texts.get(i).text().replace("ana@example.com", "[EMAIL]"));
        }

        JsonNode parts = RequestTexts.rewrite(request, texts).json().at("/messages/0/content");

        String redacted = NOTES.replace("ana@example.com", "[EMAIL]");
        assertThat(parts.at("/0/source/data").asText()).isEqualTo(redacted);
        assertThat(parts.at("/1/file/file_data").asText()).isEqualTo("data:text/markdown;base64,"
                + Base64.getEncoder().encodeToString(redacted.getBytes(StandardCharsets.UTF_8)));
    }
}
