package caravan.guardrails;

/**
 * One text of a request or an answer, where it sits and who wrote it: a message's string content
 * ({@code part} -1) or one of its text parts, or an answer choice's content.
 *
 * @param message the index of the message (or of the answer's choice)
 * @param part    the index of the content part, or -1 for string content
 */
public record TextSlot(int message, int part, Source source, String text) {

    TextSlot withText(String replaced) {
        return new TextSlot(message, part, source, replaced);
    }
}
