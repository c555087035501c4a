package dev.polarity.serving.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the key comes from: off by default, from the setting, or from a file without its newline. */
class ApiKeySettingsTest {

    @Test
    void offByDefault() {
        assertThat(new ApiKeySettings(null, null).key()).isNull();
        assertThat(new ApiKeySettings("", null).key()).isNull();
    }

    @Test
    void fromTheSettingOrAFile(@TempDir Path dir) throws Exception {
        assertThat(new ApiKeySettings("abc", null).key()).isEqualTo("abc");
        Path file = Files.writeString(dir.resolve("key"), "from-a-secret\n");
        assertThat(new ApiKeySettings(null, file).key()).isEqualTo("from-a-secret");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> new ApiKeySettings(null, empty).key()).hasMessageContaining("is empty");
        assertThatThrownBy(() -> new ApiKeySettings(null, dir.resolve("missing")).key()).hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> new ApiKeySettings("abc", file)).hasMessageContaining("not both");
    }
}
