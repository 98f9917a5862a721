package caravan.processors;

import java.math.BigDecimal;

import caravan.api.CallContext;
import caravan.api.ChatRequest;
import caravan.api.ResponseHeaders;
import caravan.api.Variables;
import caravan.limits.Admission;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The {@code settle} step, after the answer (a stream's last chunk included): the tokens the call really
 * used replace the estimate it was admitted on, and its in-flight slots are freed; a whole answer is told
 * what it cost ({@code x-caravan-cost-usd}: every attempt's usage at its model's list price, retries and
 * fallbacks included). A call that failed or whose client left settles when it ends, without this step;
 * settling twice does nothing. A stream's head went out before its cost was known: its cost is on its
 * span and in the ledger.
 */
public final class Settle implements Processor {

    public static final String COST_HEADER = "x-caravan-cost-usd";
    /** Fewer places than this and a small call's cost would read as 0.0000 (one gpt-4o-mini token is 0.00000015). */
    private static final int MIN_DECIMALS = 8;

    @Override
    public void process(Exchange exchange) {
        Admission admission = exchange.getVariable(Variables.ADMISSION, Admission.class);
        if (admission != null) {
            admission.settle();
        }
        CallContext call = exchange.getVariable(Variables.CALL, CallContext.class);
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        if (call != null && request != null && !request.stream()) {
            BigDecimal cost = call.paidCostUsd();
            // unknown (a model without a price) is no header rather than a cost of 0
            if (cost != null) {
                ResponseHeaders.put(exchange, COST_HEADER, plainUsd(cost));
            }
        }
    }

    /**
     * US dollars as a plain decimal, never in exponent notation (BigDecimal's toString writes 1.5E-7), with
     * at least eight decimal places and as many more as the exact amount needs (0.0000000375).
     */
    static String plainUsd(BigDecimal usd) {
        BigDecimal exact = usd.stripTrailingZeros();
        return (exact.scale() < MIN_DECIMALS ? exact.setScale(MIN_DECIMALS) : exact).toPlainString();
    }
}
