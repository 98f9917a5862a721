package caravan.guardrails.banned;

import java.util.List;
import java.util.Map;

import caravan.guardrails.Guardrail;
import caravan.guardrails.Scanned;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Banned terms as whole words with case folded, and a banned RE2 pattern. */
class BannedGuardrailTest {

    @Test
    void termsMatchWholeWordsWithCaseFolded() {
        Guardrail banned = BannedGuardrail.create(Map.of("terms", List.of("Project Titan", "acme-internal", "STRASSE")), null);

        assertThat(Scanned.texts(banned.scanner(), "about project   TITAN. and Acme Internal docs, strasse 5"))
                .containsExactly("project   TITAN", "Acme Internal", "strasse");
        assertThat(Scanned.texts(banned.scanner(), "the titanic project, acmeinternal, Strassen")).isEmpty();
        assertThat(Scanned.redacted(banned.scanner(), "see Project Titan now")).isEqualTo("see [BANNED] now");
    }

    @Test
    void aPatternIsRe2AndCaseInsensitiveUnlessAsked() {
        Guardrail banned = BannedGuardrail.create(Map.of("pattern", "\\bticket-[0-9]{4}\\b"), null);
        Guardrail exact = BannedGuardrail.create(Map.of("pattern", "Secret", "caseSensitive", "true"), null);

        assertThat(Scanned.texts(banned.scanner(), "see TICKET-1234 and ticket-12345")).containsExactly("TICKET-1234");
        assertThat(Scanned.texts(exact.scanner(), "secret Secret")).containsExactly("Secret");
    }

    @Test
    void aBadConfigurationIsRefusedNamingWhy() {
        assertThatThrownBy(() -> BannedGuardrail.create(Map.of(), null)).hasMessageContaining("needs terms or a pattern");
        assertThatThrownBy(() -> BannedGuardrail.create(Map.of("pattern", "(?<=a)b"), null)).hasMessageContaining("RE2");
        assertThatThrownBy(() -> BannedGuardrail.create(Map.of("terms", "x", "term", "y"), null))
                .hasMessageContaining("no setting 'term'");
    }
}
