// This centre as a FixMyStreet back-end (issue 11, item 8): jurisdiction_id is checked when given, the
// servicerequestupdates extension lists status changes of public requests since a time (public words only), and
// FixMyStreet's exact request shapes — replayed by a Perl client built like its perllib/Open311.pm (LWP,
// HTTP::Request::Common, form-data uploads named photo1, jurisdiction_id on every call) — work end to end over XML.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Core } from '../../electron/core/core.ts';
import { startHttpServer, type HttpServer } from '../../electron/core/transport/http.ts';
import { systemContext } from '../../electron/core/context.ts';
import { addUsers, coreClient, fingerprint, passwordOf, smallDbCopy, testCore, type TestUser } from '../helpers.ts';
import type { Open311Update } from '../../shared/contract/open311.ts';

const USERS: TestUser[] = [
  { name: 'op', role: 'operator' },
  { name: 'lead', role: 'shift_leader' },
];
let file: string;
let core: Core;
let server: HttpServer;
let key = '';
const tokens: Record<string, string> = {};
const as = (name: string) => coreClient(core, () => ({ actor: name, via: 'test', token: tokens[name] }));
const base = () => `${server.url}/open311/v2`;
const post = (body: Record<string, string>, fmt = 'json') =>
  fetch(`${base()}/requests.${fmt}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
const place = { lat: '32.46', long: '119.92' };
const START = '2000-01-01T00:00:00+08:00';
const END = '2100-01-01T00:00:00+08:00';

beforeAll(async () => {
  file = smallDbCopy();
  await addUsers(file, USERS);
  core = testCore({ dbPath: file });
  server = await startHttpServer({ core, port: 0 });
  for (const u of USERS) tokens[u.name] = (await as(u.name).ok('auth.login', { name: u.name, password: passwordOf(u.name) })).token;
  key = (await coreClient(core, systemContext('test', 'test')).ok('apikeys.create', { name: 'fixmystreet' })).key;
});
afterAll(async () => {
  await server?.close();
  core?.close();
});

describe('jurisdiction_id', () => {
  it('accepts this centre’s (the district code) and no jurisdiction at all', async () => {
    expect((await fetch(`${base()}/services.json?jurisdiction_id=321202`)).status).toBe(200);
    expect((await fetch(`${base()}/services.json`)).status).toBe(200);
    expect((await post({ api_key: key, jurisdiction_id: '321202', service_code: '0104', ...place })).status).toBe(200);
  });

  it('refuses another jurisdiction with 404 on every route, changing nothing', async () => {
    const before = fingerprint(file);
    for (const path of ['services.json', 'services/0102.json', 'requests.json', 'servicerequestupdates.json', 'requests/2026010100001.json']) {
      const r = await fetch(`${base()}/${path}?jurisdiction_id=bristol.gov.uk`);
      expect(r.status, path).toBe(404);
      expect(((await r.json()) as { description: string }[])[0].description).toContain('jurisdiction_id');
    }
    const x = await post({ api_key: key, jurisdiction_id: 'bristol.gov.uk', service_code: '0104', ...place }, 'xml');
    expect(x.status).toBe(404);
    expect(await x.text()).toMatch(/<errors><error><code>404<\/code><description>jurisdiction_id/);
    expect(fingerprint(file)).toBe(before);
  });
});

describe('servicerequestupdates (the FixMyStreet extension)', () => {
  const updates = async (q = `start_date=${encodeURIComponent(START)}&end_date=${encodeURIComponent(END)}`) =>
    (await (await fetch(`${base()}/servicerequestupdates.json?${q}`)).json()) as Open311Update[];

  it('lists each change of state of a public request with the public name of the new state only', async () => {
    const [a] = await (await post({ api_key: key, service_code: '0102', description: '桥下垃圾', ...place })).json();
    const [b] = await (await post({ api_key: key, service_code: '0104', description: '废纸', ...place })).json();
    const hotline = await as('op').ok('cases.intake', { channel: 'hotline', classCode: '0102', lon: 119.92, lat: 32.46, description: '热线：市民反映' });
    const ids = (await as('op').ok('cases.list', {})).items;
    const caseOf = (no: string) => ids.find((c) => c.caseNo === no)!;
    const accepted = await as('op').ok('cases.act', { id: caseOf(a.service_request_id).id, version: caseOf(a.service_request_id).version, action: 'accept' });
    await as('lead').ok('cases.act', { id: accepted.id, version: accepted.version, action: 'register' });
    const secret = '内部：重复件，联系人 13912345678';
    await as('lead').ok('cases.act', { id: caseOf(b.service_request_id).id, version: caseOf(b.service_request_id).version, action: 'void', reason: secret });
    await as('op').ok('cases.act', { id: hotline.id, version: hotline.version, action: 'accept' });

    const list = await updates();
    expect(list.map((u) => [u.service_request_id, u.status, u.description])).toEqual([
      [a.service_request_id, 'investigating', '待立案'],
      [a.service_request_id, 'action_scheduled', '待派遣'],
      [b.service_request_id, 'no_further_action', '已作废'],
    ]);
    expect(Object.keys(list[0]).sort()).toEqual(['description', 'media_url', 'service_request_id', 'status', 'update_id', 'updated_datetime']);
    expect(list[0].updated_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(new Set(list.map((u) => u.update_id)).size).toBe(3);
    expect(JSON.stringify(list)).not.toMatch(/13912345678|内部|重复/);
  });

  it('lists only updates between start_date and end_date, and refuses a window that ends before it starts', async () => {
    expect(await updates('start_date=2099-01-01T00:00:00%2B08:00&end_date=2099-01-02T00:00:00%2B08:00')).toEqual([]);
    const r = await fetch(`${base()}/servicerequestupdates.xml?start_date=2099-01-02T00:00:00Z&end_date=2099-01-01T00:00:00Z`);
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/<errors><error><code>400<\/code>/);
  });

  it('answers in XML as FixMyStreet reads it: service_request_updates of request_update', async () => {
    const x = await (
      await fetch(`${base()}/servicerequestupdates.xml?api_key=${key}&start_date=${encodeURIComponent(START)}&end_date=${encodeURIComponent(END)}`)
    ).text();
    expect(x).toMatch(
      /^<\?xml[^>]*\?><service_request_updates><request_update><update_id>\d+<\/update_id><service_request_id>\d{13}<\/service_request_id><status>investigating<\/status><updated_datetime>[^<]+<\/updated_datetime><description>待立案<\/description><media_url\/><\/request_update>/,
    );
  });
});

/** A client that sends what FixMyStreet's perllib/Open311.pm sends, the same way (LWP + HTTP::Request::Common). */
const FMS_CLIENT = String.raw`
use strict; use warnings; use utf8;
use LWP::UserAgent; use HTTP::Request::Common qw(GET POST); use URI; use XML::Parser; use Encode;
my ($endpoint, $key, $start, $end) = @ARGV;
my $ua = LWP::UserAgent->new(timeout => 30);
my $jurisdiction = '321202';
sub check_xml { my $x = shift; eval { XML::Parser->new->parse($x) }; return $@ ? "ILL-FORMED: $@" : 'well-formed' }
sub out { my ($step, $res) = @_; my $c = $res->decoded_content; my @ids = $c =~ m{<service_request_id>(\d+)</service_request_id>}g;
  print join("\t", $step, $res->code, check_xml($res->content), join(',', @ids)), "\n"; return @ids }
sub get { my ($path, %p) = @_; my $u = URI->new($endpoint . $path); $u->query_form(%p, jurisdiction_id => $jurisdiction); return $ua->request(GET $u->as_string) }
sub params { my %p = @_; return { map { $_ => encode('UTF-8', $p{$_}) } keys %p } }
out('services', get('services.xml'));
out('definition', get('services/0102.xml'));
my %report = (description => "标题\n\n河边垃圾成堆\r\n\nhttps://fms.example/report/1\n", service_code => '0102', first_name => 'Ann', last_name => 'Li',
  email => 'ann@example.org', lat => '32.460000', long => '119.920000', deviceid => 'fixmystreet', 'attribute[uprn]' => '100012345',
  'attribute[volume]' => 'small', jurisdiction_id => $jurisdiction, api_key => $key);
my ($plain) = out('post-form', $ua->request(POST $endpoint . 'requests.xml', params(%report)));
my $jpeg = "\xff\xd8\xff\xe0" . ("\x07" x 300);
my $form = params(%report);
my ($photo) = out('post-photo', $ua->request(POST $endpoint . 'requests.xml', Content_Type => 'form-data',
  Content => [ %$form, photo1 => [ undef, '1.0.full.jpeg', Content_Type => 'image/jpeg', Content => $jpeg ] ]));
out('requests', get('requests.xml', service_request_id => join(',', $plain, $photo)));
out('updates', get('servicerequestupdates.xml', api_key => $key, start_date => $start, end_date => $end));
`;

describe('a FixMyStreet-shaped client', () => {
  it('lists services, posts a report (form and multipart with a photo), reads it back and polls updates, all in well-formed XML', async () => {
    const { stdout } = await promisify(execFile)('perl', ['-e', FMS_CLIENT, `${base()}/`, key, START, END], { timeout: 30_000 });
    const steps = stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(steps.map((s) => s.slice(0, 3))).toEqual(
      ['services', 'definition', 'post-form', 'post-photo', 'requests', 'updates'].map((step) => [step, '200', 'well-formed']),
    );
    const [plain, photo] = [steps[2][3], steps[3][3]];
    expect(plain).toMatch(/^\d{13}$/);
    expect(steps[4][3].split(',').sort()).toEqual([plain, photo].sort());
    const row = core.app.db.prepare('SELECT count(*) AS n FROM case_photos p JOIN cases c ON c.id = p.case_id WHERE c.case_no = ?').get(photo) as { n: number };
    expect(row.n).toBe(1);
    const text = core.app.db.prepare('SELECT description FROM cases WHERE case_no = ?').get(photo) as { description: string };
    expect(text.description).toContain('河边垃圾成堆');
  });
});
