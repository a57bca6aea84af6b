// The committee's village office (村务): one tab that gathers the village admin's less daily work,
// so the phone's tab bar keeps five tabs that fit a 360 px screen.
export default {
  'zh-CN': {
    villageOffice: {
      nav: '村务',
      title: '村务',
      work: '村务工作',
      credit: '信用信息审核与评定',
      shop: '积分超市',
      payouts: '信用激励兑现',
      conflicts: '数据冲突',
    },
  },
  en: {
    villageOffice: {
      nav: 'Office',
      title: 'Village office',
      work: 'Village work',
      credit: 'Credit records and ratings',
      shop: 'Points shop',
      payouts: 'Cash incentives',
      conflicts: 'Edit conflicts',
    },
  },
};
