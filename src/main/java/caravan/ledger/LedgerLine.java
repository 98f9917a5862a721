package caravan.ledger;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * A {@link LedgerRecord} as one line of the ledger's journal and day files: the JSON object Jackson's data
 * binding makes of it (its fields' names in snake case, in the record's order, null fields left out), written
 * field by field through the generator with each name encoded once. Why not the data binding itself: on the
 * ledger's thread it took about 1 µs of a record's 2 (each accessor called through reflection, a serializer
 * provider made for every value); this takes under half of that. Read back with the data binding
 * ({@link LedgerJournal#readLine}). {@code LedgerLineTest} holds the two to the same JSON, so a field added to
 * the record and not here fails the build.
 */
final class LedgerLine {

    private static final SerializedString REQUEST_ID = new SerializedString("request_id");
    private static final SerializedString TIME_MS = new SerializedString("time_ms");
    private static final SerializedString TRACE_ID = new SerializedString("trace_id");
    private static final SerializedString TENANT = new SerializedString("tenant");
    private static final SerializedString TEAM = new SerializedString("team");
    private static final SerializedString KEY_ID = new SerializedString("key_id");
    private static final SerializedString USER_ID = new SerializedString("user_id");
    private static final SerializedString SESSION_ID = new SerializedString("session_id");
    private static final SerializedString TASK_ID = new SerializedString("task_id");
    private static final SerializedString ENDPOINT = new SerializedString("endpoint");
    private static final SerializedString ROUTE = new SerializedString("route");
    private static final SerializedString PROVIDER = new SerializedString("provider");
    private static final SerializedString MODEL = new SerializedString("model");
    private static final SerializedString REQUESTED_MODEL = new SerializedString("requested_model");
    private static final SerializedString ATTEMPTS = new SerializedString("attempts");
    private static final SerializedString STATUS = new SerializedString("status");
    private static final SerializedString ERROR_TYPE = new SerializedString("error_type");
    private static final SerializedString STREAM = new SerializedString("stream");
    private static final SerializedString INPUT_TOKENS = new SerializedString("input_tokens");
    private static final SerializedString OUTPUT_TOKENS = new SerializedString("output_tokens");
    private static final SerializedString CACHE_READ_TOKENS = new SerializedString("cache_read_tokens");
    private static final SerializedString CACHE_WRITE_TOKENS = new SerializedString("cache_write_tokens");
    private static final SerializedString REASONING_TOKENS = new SerializedString("reasoning_tokens");
    private static final SerializedString USAGE_ESTIMATED = new SerializedString("usage_estimated");
    private static final SerializedString COST_USD = new SerializedString("cost_usd");
    private static final SerializedString LATENCY_US = new SerializedString("latency_us");
    private static final SerializedString TTFC_US = new SerializedString("ttfc_us");
    private static final SerializedString OVERHEAD_US = new SerializedString("overhead_us");
    private static final SerializedString CACHE_OUTCOME = new SerializedString("cache_outcome");
    private static final SerializedString GUARDRAIL_OUTCOME = new SerializedString("guardrail_outcome");
    private static final SerializedString COST_SAVED_USD = new SerializedString("cost_saved_usd");

    private LedgerLine() {
    }

    /** Writes the record as one JSON object (the caller ends the line). */
    static void write(LedgerRecord record, JsonGenerator json) throws IOException {
        json.writeStartObject();
        text(json, REQUEST_ID, record.requestId());
        json.writeFieldName(TIME_MS);
        json.writeNumber(record.timeMs());
        text(json, TRACE_ID, record.traceId());
        text(json, TENANT, record.tenant());
        text(json, TEAM, record.team());
        text(json, KEY_ID, record.keyId());
        text(json, USER_ID, record.userId());
        text(json, SESSION_ID, record.sessionId());
        text(json, TASK_ID, record.taskId());
        text(json, ENDPOINT, record.endpoint());
        text(json, ROUTE, record.route());
        text(json, PROVIDER, record.provider());
        text(json, MODEL, record.model());
        text(json, REQUESTED_MODEL, record.requestedModel());
        json.writeFieldName(ATTEMPTS);
        json.writeNumber(record.attempts());
        json.writeFieldName(STATUS);
        json.writeNumber(record.status());
        text(json, ERROR_TYPE, record.errorType());
        json.writeFieldName(STREAM);
        json.writeBoolean(record.stream());
        json.writeFieldName(INPUT_TOKENS);
        json.writeNumber(record.inputTokens());
        json.writeFieldName(OUTPUT_TOKENS);
        json.writeNumber(record.outputTokens());
        json.writeFieldName(CACHE_READ_TOKENS);
        json.writeNumber(record.cacheReadTokens());
        json.writeFieldName(CACHE_WRITE_TOKENS);
        json.writeNumber(record.cacheWriteTokens());
        json.writeFieldName(REASONING_TOKENS);
        json.writeNumber(record.reasoningTokens());
        json.writeFieldName(USAGE_ESTIMATED);
        json.writeBoolean(record.usageEstimated());
        decimal(json, COST_USD, record.costUsd());
        json.writeFieldName(LATENCY_US);
        json.writeNumber(record.latencyUs());
        if (record.ttfcUs() != null) {
            json.writeFieldName(TTFC_US);
            json.writeNumber(record.ttfcUs().longValue());
        }
        json.writeFieldName(OVERHEAD_US);
        json.writeNumber(record.overheadUs());
        text(json, CACHE_OUTCOME, record.cacheOutcome());
        text(json, GUARDRAIL_OUTCOME, record.guardrailOutcome());
        decimal(json, COST_SAVED_USD, record.costSavedUsd());
        json.writeEndObject();
    }

    private static void text(JsonGenerator json, SerializedString name, String value) throws IOException {
        if (value != null) {
            json.writeFieldName(name);
            json.writeString(value);
        }
    }

    private static void decimal(JsonGenerator json, SerializedString name, BigDecimal value) throws IOException {
        if (value != null) {
            json.writeFieldName(name);
            // plain, never 1E-9: the factory's generators have WRITE_BIGDECIMAL_AS_PLAIN (caravan.api.Json)
            json.writeNumber(value);
        }
    }
}
