package caravan.guardrails.banned;

import java.util.List;
import java.util.Map;

import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.ScanningGuardrail;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Stage;
import caravan.guardrails.TextScanner;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * {@code banned}: terms and a regular expression a route (or a key, a tenant) forbids, in the request or the
 * answer. Terms match whole words with case folded; the pattern is RE2 syntax, case-insensitive unless
 * {@code caseSensitive: true}. Redacts to {@code [BANNED]}.
 */
public final class BannedGuardrail extends ScanningGuardrail {

    public static final String NAME = "banned";

    /** The guardrail's own settings. */
    public static final class Settings {
        private List<String> terms = List.of();
        private String pattern;
        private boolean caseSensitive;
        private int maxSpan = 256;

        /** Words or phrases, matched as whole words, case folded. */
        public void setTerms(List<String> terms) {
            this.terms = terms;
        }

        /** One RE2 regular expression (join several with {@code |}). */
        public void setPattern(String pattern) {
            this.pattern = pattern;
        }

        public void setCaseSensitive(boolean caseSensitive) {
            this.caseSensitive = caseSensitive;
        }

        /** The longest text the pattern can match that a stream must hold back to see whole (256 by default). */
        public void setMaxSpan(int maxSpan) {
            if (maxSpan < 1 || maxSpan > 65536) {
                throw new IllegalArgumentException("maxSpan must be between 1 and 65536");
            }
            this.maxSpan = maxSpan;
        }
    }

    private final BannedScanner scanner;

    private BannedGuardrail(BannedScanner scanner) {
        this.scanner = scanner;
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        Settings bound = SettingsBinder.bind(new Settings(), settings, NAME);
        if (bound.terms.isEmpty() && (bound.pattern == null || bound.pattern.isEmpty())) {
            throw new IllegalArgumentException("guardrail 'banned' needs terms or a pattern");
        }
        Pattern pattern = null;
        if (bound.pattern != null && !bound.pattern.isEmpty()) {
            try {
                pattern = Pattern.compile(bound.pattern, bound.caseSensitive ? 0 : Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("guardrail 'banned' pattern is not a valid RE2 expression: " + e.getMessage());
            }
        }
        return new BannedGuardrail(new BannedScanner(bound.terms, pattern, bound.maxSpan));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Stage defaultStage() {
        return Stage.PRE;
    }

    @Override
    public boolean checks(Stage stage) {
        return true;
    }

    @Override
    public boolean redacts() {
        return true;
    }

    @Override
    public TextScanner scanner() {
        return scanner;
    }
}
