// The demo page: posts to /explain and shades each word of the text by its attribution.
// Plain browser JavaScript, no build step and nothing fetched from elsewhere.
(function () {
  'use strict';
  const form = document.getElementById('explain-form');
  const text = document.getElementById('text');
  const method = document.getElementById('method');
  const submit = document.getElementById('submit');
  const status = document.getElementById('status');
  const error = document.getElementById('error');
  const result = document.getElementById('result');

  document.querySelectorAll('button.example').forEach(function (b) {
    b.addEventListener('click', function () {
      text.value = b.textContent;
      text.focus();
    });
  });

  text.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener('submit', async function (e) {
    e.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    status.textContent = 'Explaining…';
    const sent = text.value;
    try {
      // Empty or blank text goes to the service too: its 400 says what is wrong, in its own words.
      const response = await fetch('explain', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json, application/problem+json' },
        body: JSON.stringify({ text: sent, method: method.value })
      });
      const body = await response.json().catch(function () { return {}; });
      if (!response.ok) {
        showError(body.detail || body.title || ('The service answered ' + response.status + '.'));
        return;
      }
      show(body, sent);
      status.textContent = 'Done: ' + body.label + '.';
    } catch (err) {
      showError('The service could not be reached.');
    } finally {
      submit.disabled = false;
    }
  });

  function showError(message) {
    status.textContent = '';
    result.hidden = true;
    error.textContent = message;
    error.hidden = false;
  }

  function show(body, sent) {
    const percent = Math.round(body.score * 100);
    document.getElementById('label').textContent = body.label;
    document.getElementById('confidence-text').textContent = '(' + percent + '% confident)';
    const meter = document.getElementById('confidence');
    meter.setAttribute('aria-valuenow', String(percent));
    meter.setAttribute('aria-valuetext', percent + '% ' + body.label);
    document.getElementById('confidence-fill').style.width = percent + '%';
    renderWords(body, sent);
    let details = 'Method: ' + body.method + '; attributions toward "' + body.target + '", in probability units.';
    if (body.completeness) {
      details += ' Completeness gap ' + body.completeness.gap.toFixed(4) + ' (' + body.steps + ' steps, '
          + body.baseline + ' baseline).';
    }
    document.getElementById('details').textContent = details;
    result.hidden = false;
    // on a phone the result lies below the form: bring it into view
    result.scrollIntoView({ block: 'nearest' });
  }

  // Green supports "positive", red "negative", whichever label was explained; opacity is the
  // attribution's size relative to the largest in the text.
  function renderWords(body, source) {
    const container = document.getElementById('words');
    container.replaceChildren();
    const sign = body.target === 'negative' ? -1 : 1;
    const largest = Math.max(1e-9, ...body.words.map(function (w) { return Math.abs(w.attribution); }));
    let at = 0;
    body.words.forEach(function (w) {
      if (w.start > at) {
        container.append(source.slice(at, w.start));
      }
      const toward = sign * w.attribution;
      const strength = Math.min(1, Math.abs(toward) / largest);
      const span = document.createElement('span');
      span.className = 'word';
      span.textContent = w.word;
      span.tabIndex = 0;
      span.dataset.attribution = String(w.attribution);
      span.dataset.shade = toward >= 0 ? 'positive' : 'negative';
      span.style.backgroundColor = toward >= 0
          ? 'rgba(44, 160, 44, ' + (0.1 + 0.8 * strength).toFixed(3) + ')'
          : 'rgba(214, 39, 40, ' + (0.1 + 0.8 * strength).toFixed(3) + ')';
      const label = w.word + ': ' + (toward >= 0 ? 'toward positive' : 'toward negative') + ', '
          + w.attribution.toFixed(4);
      span.title = label;
      span.setAttribute('aria-label', label);
      container.append(span);
      at = w.end;
    });
    if (at < source.length) {
      container.append(source.slice(at));
    }
  }
}());
