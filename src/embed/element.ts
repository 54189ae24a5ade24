import { EmbedError } from './errors';
import { fieldFor, formatValue, percent, rowFromForm, type FieldSpec } from './form';
import { fromJSON, load, type LoadOptions } from './load';
import { STYLES } from './styles';
import type { EmbeddedModel, LoadedModel, Prediction } from './types';

/**
 * `<bunsen-model src="model.bunsen.json">`: a form generated from the model's signature and the
 * prediction with its class probabilities. The model comes from the `model` property, else from
 * a `<script type="application/json">` child (which works from file://), else from `src`.
 * Everything is built as DOM nodes and every value is set as text: no markup from data.
 */

type Attributes = Record<string, string>;

function node<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function control(
  spec: FieldSpec,
  id: string,
): HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement {
  const common = { id, name: spec.input.name, 'data-column': spec.input.name };
  switch (spec.control) {
    case 'number':
      return node('input', {
        ...common,
        part: 'input',
        type: 'number',
        step: 'any',
        inputmode: 'decimal',
      });
    case 'date':
    case 'datetime-local':
      return node('input', { ...common, part: 'input', type: spec.control });
    case 'textarea':
      return node('textarea', { ...common, part: 'input textarea', rows: '3' });
    case 'combo':
      return node('input', {
        ...common,
        part: 'input',
        type: 'text',
        list: `${id}-options`,
        autocomplete: 'off',
      });
    case 'select':
      return node(
        'select',
        { ...common, part: 'input select' },
        node('option', { value: '' }, '(unknown)'),
        ...spec.options.map((option) => node('option', { value: option }, option)),
      );
  }
}

function styleSheet(root: ShadowRoot) {
  // A constructed sheet is not inline style, so the element needs no 'unsafe-inline' in a CSP.
  if (
    'adoptedStyleSheets' in root &&
    typeof CSSStyleSheet === 'function' &&
    'replaceSync' in CSSStyleSheet.prototype
  ) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
    root.adoptedStyleSheets = [sheet];
  } else root.append(node('style', {}, STYLES));
}

function createElementClass() {
  return class BunsenModelElement extends HTMLElement {
    static observedAttributes = ['src'];
    readonly #root: ShadowRoot;
    #model: LoadedModel | null = null;
    #given: object | null = null;
    #loads = 0;
    #connected = false;

    constructor() {
      super();
      this.#root = this.attachShadow({ mode: 'open' });
      styleSheet(this.#root);
    }

    /** The loaded model (null until it has loaded). */
    get predictor(): LoadedModel | null {
      return this.#model;
    }

    /** A parsed model file to use instead of `src`. */
    get model(): object | null {
      return this.#given;
    }

    set model(value: object | null) {
      this.#given = value;
      if (this.#connected) void this.#load();
    }

    connectedCallback() {
      if (this.#connected) return;
      this.#connected = true;
      void this.#load();
    }

    disconnectedCallback() {
      this.#connected = false;
    }

    attributeChangedCallback(_name: string, previous: string | null, next: string | null) {
      if (this.#connected && previous !== next) void this.#load();
    }

    #emit(type: string, detail: unknown) {
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    }

    #options(): LoadOptions {
      const runtime = this.getAttribute('onnx-runtime');
      return runtime ? { onnxRuntime: runtime } : {};
    }

    async #load() {
      const attempt = ++this.#loads;
      const status = node(
        'p',
        { part: 'status', id: 'status', role: 'status' },
        'Loading the model…',
      );
      this.#root.replaceChildren(status);
      try {
        const inline = this.querySelector(':scope > script[type="application/json"]');
        const src = this.getAttribute('src');
        let model: LoadedModel;
        if (this.#given) model = await fromJSON(this.#given, this.#options());
        else if (inline)
          model = await fromJSON(JSON.parse(inline.textContent ?? ''), this.#options());
        else if (src) model = await load(src, this.#options());
        else throw new EmbedError('Give <bunsen-model> a src, a JSON script child or a model.');
        if (attempt !== this.#loads) return;
        this.#model = model;
        if (model.kind === 'forecast') {
          const { renderForecast } = await import('./forecast');
          if (attempt !== this.#loads) return;
          this.#emit('bunsen-load', { forecaster: model });
          renderForecast(this.#root, model, {
            submitLabel: this.getAttribute('submit-label'),
            emit: (type, detail) => this.#emit(type, detail),
          });
          return;
        }
        this.#render(model);
        this.#emit('bunsen-load', { signature: model.signature });
      } catch (error) {
        if (attempt !== this.#loads) return;
        this.#model = null;
        const message =
          error instanceof SyntaxError
            ? `The inline model is not JSON: ${error.message}`
            : (error as Error).message;
        this.#root.replaceChildren(
          node('p', { part: 'error', id: 'error', role: 'alert' }, message),
        );
        this.#emit('bunsen-error', { error });
      }
    }

    #render(model: EmbeddedModel) {
      const { signature } = model;
      const fields = signature.inputs.map(fieldFor);
      const controls = new Map<
        string,
        HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
      >();
      const errors = new Map<string, HTMLElement>();
      const form = node('form', { part: 'form', id: 'form', novalidate: '' });
      const list = node('div', { part: 'fields' });
      fields.forEach((spec, index) => {
        const id = `field-${index}`;
        const input = control(spec, id);
        const error = node('p', { part: 'field-error', id: `${id}-error`, hidden: '' });
        input.setAttribute('aria-describedby', error.id);
        controls.set(spec.input.name, input);
        errors.set(spec.input.name, error);
        const field = node(
          'div',
          { part: 'field', 'data-column': spec.input.name },
          node('label', { part: 'label', for: id }, spec.input.name),
          input,
          error,
        );
        if (spec.control === 'combo') {
          field.append(
            node(
              'datalist',
              { id: `${id}-options` },
              ...spec.options.map((option) => node('option', { value: option })),
            ),
          );
        }
        list.append(field);
      });
      const submit = node(
        'button',
        { part: 'submit', id: 'submit', type: 'submit' },
        this.getAttribute('submit-label') ?? 'Predict',
      );
      const result = node('section', {
        part: 'result',
        id: 'result',
        'aria-live': 'polite',
        hidden: '',
      });
      const failure = node('p', { part: 'error', id: 'error', role: 'alert', hidden: '' });
      form.append(list, submit);
      this.#root.replaceChildren(form, failure, result);

      const showError = (name: string | undefined, message: string) => {
        const error = name === undefined ? undefined : errors.get(name);
        if (error) {
          error.textContent = message;
          error.hidden = false;
          controls.get(name!)!.setAttribute('aria-invalid', 'true');
        } else {
          failure.textContent = message;
          failure.hidden = false;
        }
      };
      const predict = async () => {
        for (const [name, error] of errors) {
          error.hidden = true;
          controls.get(name)!.removeAttribute('aria-invalid');
        }
        failure.hidden = true;
        const unreadable = fields.find(
          (spec) => (controls.get(spec.input.name) as HTMLInputElement).validity?.badInput,
        );
        if (unreadable) {
          showError(
            unreadable.input.name,
            'Enter a number, or leave the field empty if it is unknown.',
          );
          return;
        }
        const row = rowFromForm(signature.inputs, (name) => controls.get(name)!.value);
        submit.disabled = true;
        try {
          const [prediction] = await model.predict([row]);
          this.#showResult(result, signature.target, prediction!);
          this.#emit('bunsen-predict', { row, prediction });
        } catch (error) {
          const column = error instanceof EmbedError ? error.column : undefined;
          const message = (error as Error).message.replace(
            /^Row 1 \(rows\[0\]\), column “[^”]*”: /,
            '',
          );
          showError(column, message);
          this.#emit('bunsen-error', { error });
        } finally {
          submit.disabled = false;
        }
      };
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        void predict();
      });
      if (this.hasAttribute('live')) form.addEventListener('change', () => void predict());
    }

    #showResult(result: HTMLElement, target: string, prediction: Prediction) {
      const value = 'label' in prediction ? prediction.label : formatValue(prediction.value);
      const output = node(
        'output',
        { part: 'prediction-value', id: 'prediction', for: 'form' },
        value,
      );
      output.dataset.value = 'label' in prediction ? prediction.label : String(prediction.value);
      const children: Node[] = [
        node(
          'p',
          { part: 'prediction' },
          node('span', { part: 'prediction-label' }, `${target}: `),
          output,
        ),
      ];
      if ('probabilities' in prediction) {
        const rows = Object.entries(prediction.probabilities).map(([label, p]) => {
          const fill = node('span', { part: 'bar-fill' });
          fill.style.width = `${Math.max(0, Math.min(100, 100 * p))}%`;
          const item = node(
            'li',
            {
              part: label === prediction.label ? 'probability predicted' : 'probability',
              'data-class': label,
              'data-probability': String(p),
            },
            node('span', { part: 'class-name' }, label),
            node('span', { part: 'bar', 'aria-hidden': 'true' }, fill),
            node('span', { part: 'percent' }, percent(p)),
          );
          return item;
        });
        children.push(
          node(
            'ul',
            {
              part: 'probabilities',
              id: 'probabilities',
              'aria-label': `Probability of each ${target}`,
            },
            ...rows,
          ),
        );
      }
      result.replaceChildren(...children);
      result.hidden = false;
    }
  };
}

/** Registers `<bunsen-model>` (under another tag name if given); does nothing outside a browser. */
export function defineBunsenModel(name = 'bunsen-model'): void {
  if (typeof customElements === 'undefined' || customElements.get(name)) return;
  customElements.define(name, createElementClass());
}
