package dev.polarity.serving.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.polarity.serving.RunningService;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in a real browser: Debian's headless Chromium, driven by Selenium through the
 * chromedriver binary named explicitly (nothing is downloaded). Without a browser it is skipped
 * loudly; under POLARITY_CI=1 (.ci/run installs one) it fails instead, like the shipping checks.
 */
class DemoPageBrowserTest extends RunningService {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String SENTENCE = "the acting is great but the plot is a mess";

    private WebDriver browser;
    private Path profile;

    @BeforeEach
    void startBrowser() throws Exception {
        requireBrowser();
        profile = Files.createTempDirectory("polarity-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1000, 1300));
    }

    @AfterEach
    void stopBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @Test
    void aSentenceIsExplainedWordByWordAndAnEmptyOneShowsTheServicesMessage() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(3));
        browser.get("http://127.0.0.1:" + port + "/");
        assertThat(browser.getTitle()).contains("Polarity");

        WebElement text = browser.findElement(By.id("text"));
        text.sendKeys(SENTENCE);
        new Select(browser.findElement(By.id("method"))).selectByValue("occlusion");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));

        String expected = json(postJson("{\"text\": " + quote(SENTENCE) + "}")).get("label").stringValue();
        assertThat(browser.findElement(By.id("label")).getText()).isEqualTo(expected);
        assertThat(browser.findElement(By.id("confidence")).getAttribute("aria-valuenow")).isNotBlank();
        List<WebElement> words = browser.findElements(By.cssSelector("#words .word"));
        assertThat(words).extracting(WebElement::getText).containsExactly(SENTENCE.split(" "));
        for (WebElement word : words) {
            assertThat(word.getAttribute("data-shade")).as(word.getText()).isIn("positive", "negative");
            assertThat(word.getCssValue("background-color")).as(word.getText()).startsWith("rgba(")
                    .isNotEqualTo("rgba(0, 0, 0, 0)");
        }
        assertThat(browser.findElement(By.id("words")).getText()).isEqualTo(SENTENCE);
        screenshot("explain-demo.png");

        browser.manage().window().setSize(new Dimension(390, 844)); // a phone's width
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "document.getElementById('result').scrollIntoView({block: 'end'})");
        assertThat((Long) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth")).as("no sideways scrolling on a phone").isLessThanOrEqualTo(390L);
        screenshot("explain-demo-phone.png");

        // Empty text, submitted from the keyboard: the page shows the service's own 400 detail.
        String detail = json(post("/explain", "application/json", "{\"text\": \"\"}")).get("detail").stringValue();
        text.clear();
        text.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertThat(error.getText()).isEqualTo(detail).contains("\"text\"");
        assertThat(browser.findElement(By.id("result")).isDisplayed()).isFalse();
        // the page still works after the error
        text.sendKeys("not bad at all");
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("result")));
        assertThat(browser.findElements(By.cssSelector("#words .word"))).hasSize(4);
        assertThat(error.isDisplayed()).isFalse();
    }

    private void screenshot(String name) throws Exception {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), target,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static void requireBrowser() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String message = CHROMIUM + " or " + CHROMEDRIVER + " is not installed: apt-get install chromium chromium-driver "
                + "(Debian), as .ci/run does";
        if ("1".equals(System.getenv("POLARITY_CI"))) {
            fail("POLARITY_CI=1 and " + message);
        }
        System.err.println();
        System.err.println("!!!!! SKIPPED: " + message + " !!!!!");
        System.err.println();
        Assumptions.abort("SKIPPED: " + message);
    }
}
