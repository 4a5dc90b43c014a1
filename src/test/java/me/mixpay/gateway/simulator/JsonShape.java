package me.mixpay.gateway.simulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a reply has a documented example's shape: the same field names at every level and the same
 * JSON type for each (string, number, boolean, object, array; an array's elements each shaped as the
 * example's first). Values are not compared: the examples' are MixPay's, the simulator's its own.
 */
final class JsonShape {

    private final List<String> mismatches = new ArrayList<>();
    private int fieldsChecked;

    /** Compares and returns this comparison, for {@link #mismatches()} and {@link #fieldsChecked()}. */
    static JsonShape compare(JsonNode documented, JsonNode actual) {
        JsonShape shape = new JsonShape();
        shape.walk("", documented, actual, true);
        return shape;
    }

    List<String> mismatches() {
        return mismatches;
    }

    /** Documented fields compared (each field of an array's element shape once, however many elements). */
    int fieldsChecked() {
        return fieldsChecked;
    }

    private void walk(String at, JsonNode documented, JsonNode actual, boolean counting) {
        if (documented.getNodeType() != actual.getNodeType()) {
            mismatches.add(at + ": documented " + documented.getNodeType() + ", simulator " + actual.getNodeType());
            return;
        }
        if (documented.isObject()) {
            Set<String> names = new TreeSet<>();
            documented.fieldNames().forEachRemaining(names::add);
            Set<String> extra = new TreeSet<>();
            actual.fieldNames().forEachRemaining(extra::add);
            extra.removeAll(names);
            extra.forEach(name -> mismatches.add(at + "." + name + ": not in the documented reply"));
            for (String name : names) {
                if (counting) {
                    fieldsChecked++;
                }
                if (!actual.has(name)) {
                    mismatches.add(at + "." + name + ": documented, missing from the simulator's reply");
                } else {
                    walk(at + "." + name, documented.get(name), actual.get(name), counting);
                }
            }
        } else if (documented.isArray() && documented.size() > 0) {
            if (actual.isEmpty()) {
                mismatches.add(at + ": empty, so its elements' shape cannot be compared");
            }
            JsonNode element = documented.get(0);
            Iterator<JsonNode> elements = actual.elements();
            for (int i = 0; elements.hasNext(); i++) {
                walk(at + "[" + i + "]", element, elements.next(), counting && i == 0);
            }
        }
    }
}
