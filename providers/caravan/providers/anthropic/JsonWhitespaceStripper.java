package caravan.providers.anthropic;

/**
 * Removes the whitespace between the tokens of a JSON text that arrives in pieces, keeping strings as they
 * are. Anthropic streams a tool call's input as pieces of pretty JSON ({@code {"location": "San Fra}) but
 * its whole answer holds the input as an object, which the gateway writes compactly; stripping the stream
 * the same way makes a streamed tool call spell exactly the arguments of the same answer unstreamed. One
 * instance per tool call, since a string may open in one piece and close in a later one.
 */
final class JsonWhitespaceStripper {

    private boolean inString;
    private boolean escaped;

    String strip(String piece) {
        StringBuilder kept = null;
        for (int i = 0; i < piece.length(); i++) {
            char c = piece.charAt(i);
            boolean drop = false;
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else {
                drop = c == ' ' || c == '\n' || c == '\r' || c == '\t';
            }
            if (drop && kept == null) {
                kept = new StringBuilder(piece.length()).append(piece, 0, i);
            } else if (!drop && kept != null) {
                kept.append(c);
            }
        }
        return kept == null ? piece : kept.toString();
    }
}
