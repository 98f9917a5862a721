package caravan.telemetry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContentRedactorTest {

    private final ContentRedactor redactor = new ContentRedactor();

    @Test
    void masksContactDetailsNumbersAndSecrets() {
        String redacted = redactor.redact("Mail ann.lee@example.com, card 4111 1111 1111 1111, call +1 (415) 555-0100, "
                + "key sk-proj-abcdefghijklmnop and Bearer eyJhbGciOiJIUzI1NiJ9.payload, id AKIAIOSFODNN7EXAMPLE");

        assertThat(redacted).doesNotContain("ann.lee@example.com", "4111", "555-0100", "sk-proj-abcdefghijklmnop",
                "eyJhbGciOiJIUzI1NiJ9", "AKIAIOSFODNN7EXAMPLE");
        assertThat(redacted).contains("[REDACTED_EMAIL]", "[REDACTED_NUMBER]", "[REDACTED_PHONE]", "[REDACTED_SECRET]");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertThat(redactor.redact("The meeting is at 10:30 in room 42.")).isEqualTo("The meeting is at 10:30 in room 42.");
    }
}
