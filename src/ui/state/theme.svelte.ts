export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'bunsen.theme';
const media = matchMedia('(prefers-color-scheme: dark)');

const stored = (): ThemeChoice => {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
};

class Theme {
  choice = $state<ThemeChoice>(stored());
  systemDark = $state(media.matches);
  effective = $derived(
    this.choice === 'system' ? (this.systemDark ? 'dark' : 'light') : this.choice,
  );

  constructor() {
    media.addEventListener('change', (event) => (this.systemDark = event.matches));
    $effect.root(() => {
      $effect(() => {
        document.documentElement.dataset.theme = this.effective;
        document.documentElement.style.colorScheme = this.effective;
      });
    });
  }

  set(choice: ThemeChoice) {
    this.choice = choice;
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
  }
}

export const theme = new Theme();
