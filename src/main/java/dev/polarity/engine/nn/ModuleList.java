package dev.polarity.engine.nn;

import java.util.List;

/** Holds child modules named "0", "1", ... without deciding how they are called. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items;

    public ModuleList(List<M> items) {
        this.items = List.copyOf(items);
        for (int i = 0; i < items.size(); i++) {
            registerModule(Integer.toString(i), items.get(i));
        }
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    public List<M> items() {
        return items;
    }
}
