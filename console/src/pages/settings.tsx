import { ApiKeysSettings, UsersSettings } from './settings-access';
import { ChannelsSettings, SilencesSettings } from './settings-alerting';
import { SettingsChanges } from './settings-kit';
import { EscalationSettings } from './settings-escalation';
import { RulesSettings } from './settings-rules';

/** Admin settings: alerting configuration and access. */
export function SettingsPage() {
  return (
    <div className="page settings">
      <h1>Settings</h1>
      <SettingsChanges>
        <div className="settings-grid">
          <RulesSettings />
          <ChannelsSettings />
          <SilencesSettings />
          <EscalationSettings />
          <ApiKeysSettings />
          <UsersSettings />
        </div>
      </SettingsChanges>
    </div>
  );
}
