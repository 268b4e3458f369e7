// Entry point of the settings page (settings-hsmeta.json).
import { hubspot } from '@hubspot/ui-extensions';
import { SettingsPage } from './SettingsPage';

hubspot.extend<'settings'>(() => <SettingsPage />);
