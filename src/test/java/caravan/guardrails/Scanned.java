package caravan.guardrails;

import java.util.ArrayList;
import java.util.List;

/** What a scanner finds in one text, as the matched texts and their labels, for assertions. */
public final class Scanned {

    private Scanned() {
    }

    public record Found(String text, String label, String kind) {
    }

    public static List<Found> in(TextScanner scanner, String text) {
        return in(scanner, text, Source.USER);
    }

    public static List<Found> in(TextScanner scanner, String text, Source source) {
        List<Found> found = new ArrayList<>();
        scanner.scan(text, source, 0, finding -> found.add(new Found(text.substring(finding.start(), finding.end()),
                finding.label(), finding.kind())));
        return found;
    }

    /** The matched texts only. */
    public static List<String> texts(TextScanner scanner, String text) {
        return in(scanner, text).stream().map(Found::text).toList();
    }

    /** The text with every finding replaced by its placeholder, as the redact action writes it. */
    public static String redacted(TextScanner scanner, String text) {
        List<Finding> findings = new ArrayList<>();
        scanner.scan(text, Source.USER, 0, findings::add);
        return Redactor.redact(text, findings, null);
    }
}
