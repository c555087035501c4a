package dev.polarity.serving;

import dev.polarity.engine.Engine;
import org.springframework.context.annotation.Configuration;

/** Applies {@code polarity.engine.*} before the model loads (this bean is created with the context). */
@Configuration(proxyBeanMethods = false)
class EngineSetup {
    EngineSetup(EngineProperties engine) {
        Engine.configure(engine.settings());
    }
}
