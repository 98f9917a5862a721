package caravan.guardrails;

import java.util.ArrayList;
import java.util.List;

/**
 * The texts one stage checks, read once from the request or the answer and shared by every guardrail of the
 * stage. A redaction replaces a text here; the stage writes the changed texts back into a new request or
 * answer when its checks are done, so later guardrails see what earlier ones left.
 */
public final class Texts {

    private final List<TextSlot> slots;
    private boolean changed;

    public Texts(List<TextSlot> slots) {
        this.slots = new ArrayList<>(slots);
    }

    public int size() {
        return slots.size();
    }

    public TextSlot get(int index) {
        return slots.get(index);
    }

    public List<TextSlot> slots() {
        return List.copyOf(slots);
    }

    /** Replaces the text of slot {@code index}. */
    public void replace(int index, String text) {
        TextSlot slot = slots.get(index);
        if (!slot.text().equals(text)) {
            slots.set(index, slot.withText(text));
            changed = true;
        }
    }

    /** Whether any text was replaced. */
    public boolean changed() {
        return changed;
    }

    /** All characters together: what decides whether a check is worth moving off the event loop. */
    public long chars() {
        long chars = 0;
        for (TextSlot slot : slots) {
            chars += slot.text().length();
        }
        return chars;
    }

    /** The texts as they are now, for a check that runs beside the call while later ones change these. */
    public Texts snapshot() {
        return new Texts(slots);
    }
}
