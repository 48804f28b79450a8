import { useRef } from 'preact/hooks';
import { Icon, type IconName } from '../ui/icons';

/**
 * A button that opens the file picker (a hidden input: the button is what people and screen
 * readers see), handing over what was picked; the input is emptied so the same file can be picked
 * again after a refusal.
 */
export function FileButton(props: {
  icon: IconName;
  label: string;
  title?: string;
  accept: string;
  multiple?: boolean;
  disabled?: boolean;
  describedBy?: string | undefined;
  onFiles: (files: File[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        class="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        accept={props.accept}
        multiple={props.multiple}
        onChange={(event) => {
          const picked = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          if (picked.length) props.onFiles(picked);
        }}
      />
      <button
        type="button"
        class="button ghost small"
        disabled={props.disabled}
        title={props.title}
        aria-describedby={props.describedBy}
        onClick={() => input.current?.click()}
      >
        <Icon name={props.icon} size={props.icon === 'plus' ? 16 : 18} />
        {props.label}
      </button>
    </>
  );
}
